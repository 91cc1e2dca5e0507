/**
 * Batch results become ledger rows in one transaction (service.ts record). Listeners (the dashboard's live
 * feed, GET /tollgate/events) heard of each row as it was inserted, before the commit: when the transaction
 * then failed (a full disk: the cache's copy of an answer needs a page), the dashboard had added calls that were
 * rolled back, and added them again when the results were read once space returned. A full disk is
 * `PRAGMA max_page_count` pinned at the file's size, as test/reliability/disk-full.test.ts does.
 */
import OpenAI, { toFile } from 'openai';
import { afterEach, expect, it } from 'vitest';
import type { CallRecord } from '../../proxy/src/ledger/types';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('rows of a results read the database refused are not announced; the read that writes them announces each once', async () => {
  h = await startHarness({ retries: { attempts: 0 } });
  const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-disk-full', maxRetries: 0 });
  const lines = Array.from({ length: 20 }, (_, i) => ({ custom_id: `req-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `classify ticket ${i} ${'detail '.repeat(200)}` }], max_tokens: 40 } }));
  const file = await client.files.create({ file: await toFile(Buffer.from(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`), 'in.jsonl'), purpose: 'batch' });
  const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  h.upstream.batch.complete(batch.id);
  const done = await client.batches.retrieve(batch.id);

  const { db, ledger } = h.proxy.services;
  const heard: CallRecord[] = [];
  ledger.on('call', (c) => heard.push(c));
  db.exec('VACUUM');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const refused = await fetch(`${h.openaiBaseUrl}/files/${done.output_file_id}/content`, { headers: { authorization: 'Bearer sk-batch-disk-full' } });
  await refused.arrayBuffer();
  const stored = () => db.prepare("SELECT id FROM calls WHERE route = ? ORDER BY id").pluck().all(`batch ${batch.id}`) as number[];
  expect(stored()).toEqual([]);
  expect(heard).toEqual([]);

  db.pragma('max_page_count = 4294967294');
  expect((await (await client.files.content(done.output_file_id!)).text()).trim().split('\n')).toHaveLength(20);
  expect(stored()).toHaveLength(20);
  expect(heard.map((c) => c.id)).toEqual(stored());
});
