/**
 * The table's filter decides twice which calls it lists: the proxy's page (the ledger folds a tag's
 * case and composition, proxy/src/ledger/tagFold.ts) and, for each live call, the webview's
 * matchesFilter. They must agree, or a call tagged `Checkout` is in the table filtered on
 * `checkout` after a reload, and missing from it while it streams in. A real proxy, real calls.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../webview/src/protocol';
import { matchesFilter } from '../../webview/src/state/filter';
import { sendChat, useProxy } from './support/proxySuite';

const suite = useProxy();
const poll = expect.poll;

describe('live calls under a tag filter', () => {
  it('lists live the calls the proxy lists for the filter, whatever their case and composition', async () => {
    const { harness, source } = suite;
    const live: CallRecord[] = [];
    const sub = source.onCall((c) => live.push(c));
    try {
      await poll(() => source.connection.state).toBe('connected');
      // As curl or Python send a non-ASCII header: its UTF-8 bytes (the proxy reads them as UTF-8).
      const tags = ['Checkout', 'CHECKOUT', 'checkout', 'Søk', 'SØK', 'Cafe\u0301', 'café', 'other'];
      for (const t of tags) await sendChat(harness, Buffer.from(t, 'utf8').toString('latin1'));
      await poll(() => live.length).toBe(tags.length);
      for (const wanted of ['checkout', 'søk', 'CAFÉ', 'other']) {
        const listed = (await source.listCalls({ feature: wanted })).calls.map((c) => c.id).sort();
        expect(listed.length, wanted).toBeGreaterThan(0);
        expect(live.filter((c) => matchesFilter(c, { feature: wanted })).map((c) => c.id).sort(), wanted).toEqual(listed);
      }
    } finally {
      sub.dispose();
    }
  });
});
