/**
 * A live proxy on a loaded machine (CI, a laptop compiling) may take longer than the supervisor's
 * first 1–2 s timeouts to answer /healthz. Slow is not dead: it must not be read as "another
 * program on the port", "cannot prove it is your proxy", or stopped answering (a restart). A fake
 * proxy answers every /healthz (with the session proof) after SLOW_MS, longer than those timeouts
 * and well inside the patient retry; the outcomes are counted, not timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxySupervisor, type LaunchSpec } from '../../../extension/src/proxy/supervisor';
import type { ProxyState } from '../../../extension/src/proxy/state';
import { userProxies } from '../support/userProxy';

/** Longer than every first timeout (1 s and 2 s). */
const SLOW_MS = 2_500;
const TOKEN = 'admin-token-slow-proxy';
const fakeCli = join(__dirname, '../fixtures/fake-proxy-cli.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-slow-proxy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { supervisors, proxy } = userProxies(TOKEN);
const fakeProxy = (delayMs: number) => proxy({ version: 'fake-1', uptimeSec: 5 }, delayMs);

function make(extra: Partial<ConstructorParameters<typeof ProxySupervisor>[0]> = {}) {
  const logs: string[] = [];
  const states: ProxyState[] = [];
  const sup = new ProxySupervisor({ log: (l) => logs.push(l), backoff: { initialMs: 20, maxMs: 100, maxRestarts: 3, resetAfterMs: 60_000 }, startTimeoutMs: 15_000, ...extra });
  sup.onDidChangeState((s) => states.push(s));
  supervisors.push(sup);
  return { sup, logs, states };
}

function spec(port: number): LaunchSpec {
  return { nodePath: process.execPath, cliPath: fakeCli, port, dataDir: mkdtempSync(join(dir, 'data-')), env: { TOLLGATE_ADMIN_TOKEN: TOKEN } };
}

describe('a slow but live proxy', () => {
  it('found on the port is shared and verified, not taken for another program', async () => {
    const fake = await fakeProxy(SLOW_MS);
    const { sup, logs } = make();
    const state = await sup.start(spec(fake.port));
    expect({ kind: state.kind, attached: state.kind === 'running' && state.attached, verified: state.kind === 'running' && state.verified }).toEqual({
      kind: 'running',
      attached: true,
      verified: true,
    });
    expect(logs.filter((l) => /another program|cannot prove/.test(l))).toEqual([]);
    expect(sup.pid).toBeUndefined(); // no proxy of its own was spawned
  }, 60_000);

  it('that becomes slow while in use is not restarted', async () => {
    const fake = await fakeProxy(0);
    // One missed check would be enough for a restart: any misread shows.
    const { sup, logs, states } = make({ healthIntervalMs: 50, unhealthyAfter: 1 });
    expect((await sup.start(spec(fake.port))).kind).toBe('running');
    fake.delayMs = SLOW_MS;
    const from = fake.answered;
    const seen = states.length;
    const settled = () => states.slice(seen).every((s) => s.kind === 'running');
    // Two slow checks answered (each after its first timeout), counted on the fake's side.
    for (let i = 0; i < 400 && fake.answered < from + 2 && settled(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(states.slice(seen).map((s) => s.kind)).toEqual([]);
    expect(logs.filter((l) => /health checks|stopped answering/.test(l))).toEqual([]);
    expect(fake.answered).toBeGreaterThanOrEqual(from + 2);
  }, 60_000);

  it('a check asked for while a slow one is in flight does not start a second loop of checks', async () => {
    const fake = await fakeProxy(0);
    const { sup } = make({ healthIntervalMs: 50 });
    expect((await sup.start(spec(fake.port))).kind).toBe('running');
    fake.delayMs = SLOW_MS;
    // A liveness check is waiting on the slow proxy; the event stream drops meanwhile (checkNow).
    for (let i = 0; i < 200 && fake.waiting === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fake.waiting).toBe(1);
    const first = fake.arrivals.length - 1;
    for (let i = 0; i < 5; i++) sup.checkNow();
    const from = fake.answered;
    for (let i = 0; i < 400 && fake.answered < from + 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(fake.answered).toBeGreaterThanOrEqual(from + 3);
    // One check at a time: each request comes after the previous was answered or given up on (its
    // first timeout, 2 s), never beside it — a second loop of checks asks again at once.
    const arrivals = fake.arrivals.slice(first);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    expect(gaps.filter((g) => g < 1_000)).toEqual([]);
  }, 60_000);
});
