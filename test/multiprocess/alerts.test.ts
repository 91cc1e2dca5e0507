/**
 * Budget alerts fire once across the proxies sharing a data directory — in the one whose call
 * crossed the threshold — and every other proxy relays them to its own listeners (the editor
 * connected to it), once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import type { BudgetEvent } from '../../proxy/src/governance/types';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { policy, tempDb, worstCase, type TempDb } from '../governance/helpers';

const MODEL = 'gpt-4.1-nano';
const PER_CALL = worstCase(MODEL, 1000, 1000);
const INPUT: PolicyInput = { budgets: [{ name: 'shared', period: 'day', usd: PER_CALL * 10, warnAt: 0.5 }] };
const request = { identity: { keyFingerprint: 'tg_a' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

let t: TempDb | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

function spend(g: Governor, calls: number): void {
  for (let i = 0; i < calls; i++) {
    const r = g.admit(request);
    g.settle(r.reservationId!, { costUsd: PER_CALL, tokens: 2000 });
  }
}

function listen(g: Governor): BudgetEvent[] {
  const events: BudgetEvent[] = [];
  g.on('budget', (e) => events.push(e));
  return events;
}

describe('budget alerts across proxies on one file', () => {
  it('the warning crossed by one proxy reaches the other’s listeners once', () => {
    t = tempDb();
    const p = policy(INPUT);
    let now = Date.now();
    const clock = () => now;
    const cli = new Governor(t.open(), () => p, clock);
    const editor = new Governor(t.open(), () => p, clock);
    const heardByCli = listen(cli);
    const heardByEditor = listen(editor);

    spend(cli, 6); // 60 % of the budget: past warnAt
    expect(heardByCli.map((e) => e.level)).toEqual(['warn']);
    now += 15_000;
    editor.relayAlerts();
    cli.relayAlerts(); // its own alert is not news to it
    expect(heardByEditor).toHaveLength(1);
    expect(heardByEditor[0]).toMatchObject({ budget: 'shared', level: 'warn', period: 'day', limitUsd: PER_CALL * 10 });
    expect(heardByEditor[0]!.spentUsd).toBeCloseTo(6 * PER_CALL, 12);
    expect(heardByCli).toHaveLength(1);
    now += 15_000;
    editor.relayAlerts();
    expect(heardByEditor).toHaveLength(1); // once

    // The overrun, crossed by the editor's proxy this time, reaches the CLI's.
    spend(editor, 5);
    expect(heardByEditor.map((e) => e.level)).toEqual(['warn', 'exceeded']);
    now += 15_000;
    cli.relayAlerts();
    expect(heardByCli.map((e) => e.level)).toEqual(['warn', 'exceeded']);
  });

  it('a proxy started later does not replay alerts raised before it started; straight past 100 % relays one event', () => {
    t = tempDb();
    const p = policy(INPUT);
    let now = Date.now();
    const clock = () => now;
    const first = new Governor(t.open(), () => p, clock);
    const second = new Governor(t.open(), () => p, clock);
    const heard = listen(second);
    // One call larger than the whole budget's remainder: warn and exceeded rows at once.
    const r = first.admit(request);
    first.settle(r.reservationId!, { costUsd: PER_CALL * 11, tokens: 2000 });
    now += 15_000;
    second.relayAlerts();
    expect(heard.map((e) => e.level)).toEqual(['exceeded']);

    const late = new Governor(t.open(), () => p, clock);
    const heardLate = listen(late);
    now += 15_000;
    late.relayAlerts();
    expect(heardLate).toEqual([]);
  });
});
