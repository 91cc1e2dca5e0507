/**
 * The in-flight hold marker has one definition, in contract/: the governor writes it into the
 * ledger's `budget` text and the status bar reads it from there, so the two cannot drift apart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IN_FLIGHT_HOLD_TAIL, isInFlightHold } from '../../contract/api';
import { StatusAlerts } from '../../extension/src/statusBar/alerts';
import { Governor } from '../../proxy/src/governance/governor';
import { manualClock, policy, tempDb, worstCase, type TempDb } from '../governance/helpers';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const MODEL = 'gpt-4.1-nano';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(`${dir}/${e.name}`) : /\.tsx?$/.test(e.name) ? [`${dir}/${e.name}`] : [],
  );
}

describe('the in-flight hold marker', () => {
  it('is exported by the contract and is what the governor writes and the status bar reads', () => {
    expect(IN_FLIGHT_HOLD_TAIL.trim().length).toBeGreaterThan(0);
    t = tempDb();
    const per = worstCase(MODEL, 1000, 1000);
    const p = policy({ budgets: [{ name: 'daily', period: 'day', usd: per * 2 }] });
    const g = new Governor(t.open(), () => p, manualClock().now);
    const call = { identity: { keyFingerprint: 'tg_k1' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };
    g.admit(call);
    g.admit(call);
    const held = g.admit(call);
    expect(held.summary?.endsWith(IN_FLIGHT_HOLD_TAIL)).toBe(true);
    expect(isInFlightHold(held.summary)).toBe(true);
    expect(isInFlightHold('block: daily 100%')).toBe(false);

    const alerts = new StatusAlerts();
    alerts.onCall({ status: 429, errorType: 'budget_exceeded', budget: held.summary!, provider: 'openai', cache: 'miss' });
    expect(alerts.top()?.short).toBe('call held briefly');
  });

  it('is spelled out nowhere else in the proxy, the extension or the webview', () => {
    const files = ['proxy/src', 'extension/src', 'webview/src', 'contract'].flatMap(sources);
    const spelled = files.filter((f) => readFileSync(join(root, f), 'utf8').includes(`'${IN_FLIGHT_HOLD_TAIL}'`));
    expect(spelled).toEqual(['contract/api.ts']);
  });
});
