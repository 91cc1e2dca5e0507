/**
 * Dashboards come and go all week (windows reload, several editors watch one proxy): every
 * /tollgate/events stream must release what it subscribed to when it closes, and a dozen open at
 * once is normal use, not a leak for node to warn about.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function openStream(h: Harness): Promise<AbortController> {
  const ac = new AbortController();
  const r = await fetch(`${h.proxy.url}/tollgate/events`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` }, signal: ac.signal });
  expect(r.status).toBe(200);
  await r.body!.getReader().read(); // the stream's opening comment: the handler has subscribed
  return ac;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('/tollgate/events over a long uptime', () => {
  it('a dozen concurrent streams raise no EventEmitter leak warning, and all release on close', async () => {
    h = await startHarness();
    const warnings: string[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const ledger = h.proxy.services.ledger;
      const before = ledger.listenerCount('call');
      const open = [];
      for (let i = 0; i < 12; i++) open.push(await openStream(h));
      expect(ledger.listenerCount('call')).toBe(before + 12);
      for (const ac of open) ac.abort();
      await until(() => ledger.listenerCount('call') === before);
      expect(ledger.listenerCount('call')).toBe(before);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('100 connects and disconnects leave no subscription behind', async () => {
    h = await startHarness();
    const ledger = h.proxy.services.ledger;
    const before = ledger.listenerCount('call');
    for (let i = 0; i < 100; i++) (await openStream(h)).abort();
    await until(() => ledger.listenerCount('call') === before);
    expect(ledger.listenerCount('call')).toBe(before);
  });
});
