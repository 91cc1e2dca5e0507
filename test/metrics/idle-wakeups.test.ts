/**
 * An idle proxy sleeps: it runs beside the editor on laptops, where every timer wake-up costs
 * battery. Counts the voluntary context switches of all the proxy process's threads over two idle
 * seconds (Linux /proc). prom-client's default event-loop-lag sampling (a 10 ms timer) alone made
 * ~200 of them; an idle proxy now makes a handful.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnProxy, type ChildProxy } from '../reliability/support';

/** Voluntary context switches of every thread of `pid` so far. */
function wakeups(pid: number): number {
  let sum = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const m = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
      sum += Number(m?.[1] ?? 0);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return sum;
}

describe.skipIf(!existsSync('/proc/self/task'))('an idle proxy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-idle-'));
  let proxy: ChildProxy | undefined;
  afterAll(async () => {
    await proxy?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('wakes a few times a second at most, not on a 10 ms timer', async () => {
    proxy = await spawnProxy({ dataDir: join(dir, 'data') });
    const health = await fetch(`${proxy.url}/healthz`);
    expect(health.status).toBe(200);
    await delay(2_000); // start-up work (warm-ups, first checkpoint) is over
    const before = wakeups(proxy.pid);
    await delay(2_000);
    const during = wakeups(proxy.pid) - before;
    // Two timer wake-ups a second (the lag metric) plus slack for the runtime's own threads.
    expect(during).toBeLessThan(40);
  }, 60_000);
});
