/**
 * Batch results go into the exact cache like real-time answers, and the same answers are kept out:
 * a result stopped by a content filter or an empty message is recorded in the ledger (one row
 * each, with its cost) but not stored, and never makes the rest of the batch's results fail to
 * record. On the proxy's real services (SQLite file, ledger, exact cache).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BatchResultLine } from '../../../proxy/src/batch/lines';
import { BatchService } from '../../../proxy/src/batch/service';
import { BatchStore, type BatchRow } from '../../../proxy/src/batch/store';
import { startHarness, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => h?.close());

const usage = { inputTokens: 20, outputTokens: 5, cachedTokens: 0, cacheWriteTokens: 0 };
const chat = (content: string | null, finish: string) => ({ id: 'chatcmpl-b', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finish }] });

it('filtered and empty results are recorded but not stored; whole ones are stored', () => {
  const services = h.proxy.services;
  const store = new BatchStore(services.db);
  const svc = new BatchService(services, store, undefined);
  const id = svc.identify({ authorization: 'Bearer sk-batch-storable' }, 'openai');
  if ('error' in id) throw new Error(id.error);
  const lines = ['whole', 'filtered', 'empty'].map((k) => ({ customId: k, endpoint: 'chat.completions', model: 'gpt-4o-mini', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `batch storable ${k}` }] } }));
  const prepared = svc.prepare(id, lines);
  expect(prepared.cached).toBe(0);
  store.saveInput({ id: 'file-storable', provider: id.provider.name, namespace: id.namespace, local: false }, prepared.lines);
  const batch: BatchRow = {
    id: 'batch_storable',
    provider: id.provider.name,
    protocol: 'openai',
    keyFingerprint: id.keyFingerprint,
    namespace: id.namespace,
    tags: {},
    inputId: 'file-storable',
    outputFileId: null,
    errorFileId: null,
    status: 'completed',
    requestCount: 3,
    cachedCount: 0,
    worstCaseUsd: 0,
    reservationId: null,
    createdAt: Date.now(),
    settledAt: null,
    local: false,
  };
  store.saveBatch(batch);
  const results: BatchResultLine[] = [
    { customId: 'whole', status: 200, body: chat('Paris.', 'stop'), model: 'gpt-4o-mini', usage },
    { customId: 'filtered', status: 200, body: chat(null, 'content_filter'), model: 'gpt-4o-mini', usage },
    { customId: 'empty', status: 200, body: { ...chat(null, 'stop'), choices: [] }, model: 'gpt-4o-mini', usage },
  ];
  expect(svc.record(batch, results)).toBe(3);
  const stored = (k: string) => services.exactCache.get(prepared.lines.find((l) => l.customId === k)!.cacheKey) !== undefined;
  expect([stored('whole'), stored('filtered'), stored('empty')]).toEqual([true, false, false]);
  // Asked again, only the whole answer comes from the cache.
  expect(svc.prepare(id, lines).toSend.map((l) => l.customId)).toEqual(['filtered', 'empty']);
});
