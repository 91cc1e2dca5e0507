/**
 * An idle proxy sleeps: it runs beside the editor on laptops, where every timer wake-up costs
 * battery. Counts the timer and immediate callbacks the proxy's threads (the main one and its
 * worker threads) run over two idle seconds (support/timerCallbacks.mjs, preloaded into the proxy
 * process): what the proxy itself schedules. prom-client's default event-loop-lag sampling (a 10 ms timer) alone ran ~200 of them.
 * A count of callbacks, not of the process's context switches: a loaded machine inflated those
 * (164 against a bound of 40) but can only run a timer later, and an interval fewer times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { spawnProxy, until, type ChildProxy } from '../reliability/support';

const PRELOAD = fileURLToPath(new URL('./support/timerCallbacks.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tollgate-idle-'));
let proxy: ChildProxy | undefined;
afterAll(async () => {
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The proxy's timer callbacks so far, its clock (ms) and the worker threads counted: asked by SIGUSR2, read from the line it prints. */
async function timerCallbacks(p: ChildProxy): Promise<{ ran: number; at: number; workers: number }> {
  const reports = () => [...p.output().stderr.matchAll(/timer callbacks run: (\d+) at ([\d.]+) \(\d+ in (\d+) workers\)/g)];
  const seen = reports().length;
  process.kill(p.pid, 'SIGUSR2');
  await until(() => reports().length > seen);
  const [, ran, at, workers] = reports().at(-1)!;
  return { ran: Number(ran), at: Number(at), workers: Number(workers) };
}

it('an idle proxy runs a few timer callbacks a second at most, not a 10 ms timer', async () => {
  proxy = await spawnProxy({ dataDir: join(dir, 'data'), env: { NODE_OPTIONS: `--import ${PRELOAD}` } });
  const health = await fetch(`${proxy.url}/healthz`);
  expect(health.status).toBe(200);
  await delay(2_000); // start-up work (warm-ups, first checkpoint) is over
  const before = await timerCallbacks(proxy);
  await delay(2_000);
  const after = await timerCallbacks(proxy);
  // The checkpoint worker runs from the start (others when first needed): its callbacks are in the count.
  expect(after.workers).toBeGreaterThanOrEqual(1);
  // Per second of the proxy's own clock: a test delayed by load waits longer, not the proxy faster.
  const ran = after.ran - before.ran;
  const ms = after.at - before.at;
  // About one a second idle (the lag metric's sample, the odd housekeeping timer); a 50 ms poll runs 20.
  expect((ran * 1000) / ms, `${ran} timer callbacks in ${ms.toFixed(0)} ms`).toBeLessThan(10);
}, 60_000);
