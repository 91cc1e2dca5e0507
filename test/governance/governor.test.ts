/**
 * Budget actions at warnAt and 100 %, headers, events, scopes, downgrade, token budgets, periods,
 * restart recovery — on a real SQLite file.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { admitHeaders } from '../../proxy/src/pipeline/governanceStages';
import { resolveTags } from '../../proxy/src/governance/scope';
import type { BudgetEvent } from '../../proxy/src/governance/types';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { manualClock, policy, tempDb, worstCase, type TempDb } from './helpers';

const NANO = 'gpt-4.1-nano';
const PER_CALL = worstCase(NANO, 1000, 1000);
const call = (over: Partial<{ team: string; model: string; key: string; maxOutputTokens: number }> = {}) => ({
  identity: { keyFingerprint: over.key ?? 'tg_k1', ...(over.team !== undefined ? { team: over.team } : { team: 'search' }) },
  provider: 'openai',
  model: over.model ?? NANO,
  inputTokens: 1000,
  maxOutputTokens: over.maxOutputTokens ?? 1000,
});

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

function setup(input: PolicyInput, clock = manualClock()) {
  t = tempDb();
  const p = policy(input);
  const g = new Governor(t.open(), () => p, clock.now);
  const events: BudgetEvent[] = [];
  g.on('budget', (e) => events.push(e));
  return { g, events, clock, p };
}

/** Admit and settle n calls at their worst case. */
function spend(g: Governor, n: number, over?: Parameters<typeof call>[0]): void {
  for (let i = 0; i < n; i++) {
    const r = g.admit(call(over));
    expect(r.decision).not.toBe('block');
    g.settle(r.reservationId!, { costUsd: r.reservedUsd!, tokens: r.reservedTokens! });
  }
}

describe('budget actions', () => {
  const budget = (action: 'block' | 'downgrade' | 'allow') => ({
    budgets: [{ name: 'search-daily', scope: { team: 'search' }, period: 'day' as const, usd: PER_CALL * 10, action }],
  });

  it('warns from 80 %: header, decision and a single event', () => {
    const { g, events } = setup(budget('block'));
    spend(g, 7);
    expect(events).toEqual([]);
    const r = g.admit(call()); // 8th call brings committed to 80 %
    expect(r.decision).toBe('warn');
    expect(admitHeaders(r)['x-tollgate-budget']).toBe('warn; name=search-daily; used=80%; resets=2026-11-24T00:00:00Z');
    expect(r.summary).toBe('warn: search-daily 80%');
    // The alert names money spent, not in-flight reservations: it comes once the call settles.
    expect(events).toEqual([]);
    g.settle(r.reservationId!, { costUsd: r.reservedUsd!, tokens: r.reservedTokens! });
    expect(events.map((e) => e.level)).toEqual(['warn']);
    expect(events[0]!.spentUsd).toBeCloseTo(8 * PER_CALL, 12);
    expect(events[0]!.spentUsd).toBeCloseTo(g.status()[0]!.spentUsd, 12);
    expect(events[0]!.resetsAt).toBe(Date.UTC(2026, 10, 24));
    const r9 = g.admit(call());
    expect(r9.decision).toBe('warn');
    g.settle(r9.reservationId!, { costUsd: r9.reservedUsd!, tokens: r9.reservedTokens! });
    expect(events).toHaveLength(1); // once per level per period
  });

  it('blocks at 100 % with a message naming the budget and its reset, and retry-after', () => {
    const { g, events } = setup(budget('block'));
    spend(g, 10);
    const r = g.admit(call());
    expect(r.decision).toBe('block');
    expect(r.reservationId).toBeUndefined();
    expect(r.message).toMatch(/budget "search-daily" \(team=search, .* per day\) is exhausted/);
    expect(r.message).toContain('resets at 2026-11-24T00:00:00Z (in 12h)');
    expect(r.retryAfterSec).toBe(12 * 3600); // clock is 12:00 UTC
    expect(admitHeaders(r)['retry-after']).toBe(String(12 * 3600));
    expect(admitHeaders(r)['x-tollgate-budget']).toContain('exceeded; name=search-daily; used=100%');
    expect(events.filter((e) => e.level === 'exceeded')).toHaveLength(1);
    g.admit(call());
    expect(events.filter((e) => e.level === 'exceeded')).toHaveLength(1);
  });

  it('a new period starts from zero', () => {
    const { g, clock } = setup(budget('block'));
    spend(g, 10);
    expect(g.admit(call()).decision).toBe('block');
    clock.set(Date.UTC(2026, 10, 24, 0, 0, 1));
    expect(g.admit(call()).decision).toBe('allow');
  });

  it('downgrades to the cheapest configured tier at 100 %, reserving at the cheaper price', () => {
    const { g } = setup({ ...budget('downgrade'), routing: { tiers: { openai: { small: NANO, large: 'gpt-4.1' } } } });
    spend(g, 10);
    const r = g.admit(call({ model: 'gpt-4.1' }));
    expect(r.decision).toBe('downgrade');
    expect(r.downgrade?.to).toBe(NANO);
    expect(admitHeaders(r)['x-tollgate-downgrade']).toBe(`gpt-4.1 -> ${NANO}; budget=search-daily`);
    expect(r.reservedUsd).toBeCloseTo(PER_CALL, 12);
    expect(r.reservedUsd).toBeLessThan(worstCase('gpt-4.1', 1000, 1000));
  });

  it('downgrade without configured tiers falls back to block and says to configure them', () => {
    const { g } = setup(budget('downgrade'));
    spend(g, 10);
    const r = g.admit(call({ model: 'gpt-4.1' }));
    expect(r.decision).toBe('block');
    expect(r.message).toContain('routing.tiers.openai.small');
  });

  it('action allow only alerts at 100 %', () => {
    const { g, events } = setup(budget('allow'));
    spend(g, 10);
    const r = g.admit(call());
    expect(r.decision).toBe('warn');
    expect(r.reservationId).toBeDefined();
    expect(admitHeaders(r)['x-tollgate-budget']).toContain('exceeded; name=search-daily; used=100%');
    expect(admitHeaders(r)['x-tollgate-budget']).toContain('action=allow');
    expect(events.map((e) => e.level)).toEqual(['warn', 'exceeded']);
  });

  it('a token budget counts input + max output tokens', () => {
    const { g } = setup({ budgets: [{ name: 'tok', period: 'week', tokens: 5000 }] });
    const a = g.admit(call()); // reserves 2000
    const b = g.admit(call()); // 4000
    expect(b.decision).toBe('warn');
    const c = g.admit(call()); // 4000 < 5000 → admitted (overshoot ≤ one reservation)
    expect(c.decision).toBe('warn');
    expect(g.admit(call()).decision).toBe('block');
    g.release(c.reservationId!);
    g.settle(a.reservationId!, { costUsd: 0, tokens: 100 });
    expect(g.status()[0]!.spentTokens + g.status()[0]!.reservedTokens).toBe(2100);
    expect(g.admit(call()).decision).not.toBe('block');
    void b;
  });

  it('a refusal speaks of tokens as the status bar and dashboard do (contract/format), not in raw digits', () => {
    const { g } = setup({ budgets: [{ name: 'tok', period: 'week', usd: 50, tokens: 1_000_000 }] });
    const a = g.admit(call({ maxOutputTokens: 1_233_567 }));
    g.settle(a.reservationId!, { costUsd: 0, tokens: 1_234_567 });
    const r = g.admit(call());
    expect(r.decision).toBe('block');
    expect(r.message).toContain(', $50.00 / 1M tokens per week)');
    expect(r.message).toContain('is exhausted: $0 / 1.23M of 1M tokens spent or reserved');
    expect(r.message).not.toMatch(/\d{5,}/);
  });
});

describe('scopes and tags', () => {
  it('applies a budget only to calls its scope matches; empty scope is global', () => {
    const { g } = setup({
      budgets: [
        { name: 'search', scope: { team: 'search' }, period: 'day', usd: PER_CALL },
        { name: 'key', scope: { key: 'tg_2222222222222222' }, period: 'day', usd: PER_CALL },
        { name: 'everyone', period: 'day', usd: 1000 },
      ],
    });
    spend(g, 1, { team: 'search' });
    expect(g.admit(call({ team: 'search' })).decision).toBe('block');
    expect(g.admit(call({ team: 'ads' })).decision).toBe('allow');
    spend(g, 1, { team: 'ads', key: 'tg_2222222222222222' });
    expect(g.admit(call({ team: 'ads', key: 'tg_2222222222222222' })).budget).toBe('key');
    const all = g.status().find((s) => s.name === 'everyone')!;
    expect(all.spentUsd + all.reservedUsd).toBeCloseTo(3 * PER_CALL, 12);
  });

  it('resolveTags: the key mapping wins over headers, headers fill the rest', () => {
    const p = policy({ tags: { keys: [{ fingerprint: 'tg_aaaaaaaaaaaaaaaa', team: 'search' }] } });
    expect(resolveTags('tg_aaaaaaaaaaaaaaaa', { team: 'ads', feature: 'chat' }, p)).toEqual({ keyFingerprint: 'tg_aaaaaaaaaaaaaaaa', team: 'search', feature: 'chat' });
    expect(resolveTags('tg_other', { team: 'ads', user: ' ' }, p)).toEqual({ keyFingerprint: 'tg_other', team: 'ads' });
  });
});

describe('status and forecast', () => {
  it('forecasts linearly from this period’s rate when there is no history', () => {
    const clock = manualClock(Date.UTC(2026, 10, 23, 6, 0, 0)); // a quarter into the day
    const { g } = setup({ budgets: [{ name: 'd', period: 'day', usd: PER_CALL * 100 }] }, clock);
    spend(g, 3);
    const s = g.status()[0]!;
    expect(s.spentUsd).toBeCloseTo(3 * PER_CALL, 12);
    expect(s.forecast.usd).toBeCloseTo(12 * PER_CALL, 9); // 3 in 6 h → 12 in 24 h
    expect(s.level).toBe('ok');
    expect(s.forecast.exceedsAt).toBeUndefined();
  });
});

describe('events across instances', () => {
  it('two Governors on one file announce a crossing once between them', () => {
    const input: PolicyInput = { budgets: [{ name: 'd', period: 'day', usd: PER_CALL * 10 }] };
    const { g, events, clock } = setup(input);
    const p = policy(input);
    const other = new Governor(t!.open(), () => p, clock.now);
    const otherEvents: BudgetEvent[] = [];
    other.on('budget', (e) => otherEvents.push(e));
    for (let i = 0; i < 9; i++) {
      const gov = i % 2 ? g : other;
      const r = gov.admit(call());
      gov.settle(r.reservationId!, { costUsd: r.reservedUsd!, tokens: r.reservedTokens! });
    }
    expect([...events, ...otherEvents].map((e) => e.level)).toEqual(['warn']);
  });
});

describe('forecast from history', () => {
  it('blends in the previous period once one was recorded', () => {
    const clock = manualClock(Date.UTC(2026, 10, 22, 12, 0, 0));
    const { g } = setup({ budgets: [{ name: 'd', period: 'day', usd: PER_CALL * 1000 }] }, clock);
    spend(g, 48); // yesterday: 48 calls → 2 per hour on average over 24 h
    clock.set(Date.UTC(2026, 10, 23, 6, 0, 0)); // today, a quarter in, no spend yet
    const s = g.status()[0]!;
    expect(s.spentUsd).toBe(0);
    // weight on today's (zero) rate = 0.25, on yesterday's = 0.75, for the 18 h left
    expect(s.forecast.usd).toBeCloseTo(0.75 * 2 * PER_CALL * 18, 9);
  });
});

describe('restart consistency', () => {
  const input: PolicyInput = { budgets: [{ name: 'd', period: 'day', usd: PER_CALL * 100 }] };

  it('charges reservations of a closed Governor at their worst case; a late settle corrects them', () => {
    const { g } = setup(input);
    const ids = [g.admit(call()), g.admit(call()), g.admit(call())].map((r) => r.reservationId!);
    g.settle(ids[0]!, { costUsd: PER_CALL / 2, tokens: 1000 });
    g.close(); // the process that owned the rest is gone
    const p = policy(input);
    const g2 = new Governor(t!.open(), () => p, manualClock().now);
    expect(g2.recoverAfterRestart()).toBe(2);
    let s = g2.status()[0]!;
    expect(s.reservedUsd).toBe(0);
    expect(s.spentUsd).toBeCloseTo(PER_CALL / 2 + 2 * PER_CALL, 12);
    expect(g2.recoverAfterRestart()).toBe(0); // idempotent
    g2.settle(ids[1]!, { costUsd: PER_CALL / 4, tokens: 500 });
    g2.release(ids[2]!);
    s = g2.status()[0]!;
    expect(s.spentUsd).toBeCloseTo(PER_CALL / 2 + PER_CALL / 4, 12);
  });

  it('leaves a live Governor’s reservations alone until they are stale', () => {
    const { g, clock } = setup(input);
    g.admit(call());
    const p = policy(input);
    const g2 = new Governor(t!.open(), () => p, clock.now);
    expect(g2.recoverAfterRestart()).toBe(0);
    expect(g2.status()[0]!.reservedUsd).toBeCloseTo(PER_CALL, 12);
    clock.advance(31 * 60_000);
    expect(g2.recoverAfterRestart()).toBe(1);
    expect(g2.status()[0]!.reservedUsd).toBe(0);
  });

  it('recovers the reservations of a process that died mid-flight', async () => {
    t = tempDb();
    const p = policy(input);
    const g = new Governor(t.open(), () => p);
    const worker = fileURLToPath(new URL('./fixtures/admit-worker.ts', import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, t!.file, JSON.stringify(input), 'crash', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let buf = '';
      child.stdout.on('data', (d: Buffer) => (buf += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(buf) : reject(new Error(`exit ${code}`))));
    });
    expect((JSON.parse(out) as { ids: string[] }).ids).toHaveLength(2);
    expect(g.status()[0]!.reservedUsd).toBeCloseTo(2 * PER_CALL, 12);
    expect(g.recoverAfterRestart()).toBe(2);
    const s = g.status()[0]!;
    expect(s.reservedUsd).toBe(0);
    expect(s.spentUsd).toBeCloseTo(2 * PER_CALL, 12);
  });
});
