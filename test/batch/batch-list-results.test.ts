/**
 * A script that submits a batch and comes back later often finds it by listing the batches
 * (`client.batches.list()`) and downloads the output file named there, without retrieving the batch
 * by its id through the proxy. The list answer is the provider's word on each batch as much as a
 * retrieve is: the results read through it are recorded (one ledger row each, at the batch rate)
 * and the batch's reservation settles at what they cost, instead of the worst case being held for
 * a day and then charged. An Anthropic batch's `results_url` in the list points at the proxy, as in
 * a retrieve: followed as listed, it went to the provider and its results were never recorded.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const lines = [0, 1, 2].map((i) => ({ custom_id: `r-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `listed batch ${i}` }], max_tokens: 40 } }));
const spend = (harness: Harness) => harness.proxy.services.db.prepare('SELECT SUM(spent_nano) AS spent, SUM(reserved_nano) AS reserved FROM governance_spend').get() as { spent: number; reserved: number };

describe('a batch found through the batch list (openai SDK)', () => {
  it('its output file read from the list is recorded and settles the reservation; an expired one settles with what ran', async () => {
    h = await startHarness({ budgets: [{ name: 'day', period: 'day', usd: 100 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-list', maxRetries: 0 });
    const submit = async () => {
      const file = await client.files.create({ file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')), 'in.jsonl'), purpose: 'batch' });
      return client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    };
    const done = await submit();
    const expired = await submit();
    expect(spend(h).reserved).toBeGreaterThan(0);
    h.upstream.batch.complete(done.id);
    h.upstream.batch.expire(expired.id, 1);

    // Later: find the ended batches in the list and read their results, as a separate script would.
    const found = new Map<string, OpenAI.Batches.Batch>();
    for await (const b of client.batches.list()) found.set(b.id, b);
    expect(found.get(done.id)?.status).toBe('completed');
    expect(found.get(expired.id)?.status).toBe('expired');
    for (const b of found.values()) {
      if (b.output_file_id) await (await client.files.content(b.output_file_id)).text();
      if (b.error_file_id) await (await client.files.content(b.error_file_id)).text();
    }

    const rows = h.proxy.services.ledger.page({}, 100).calls;
    const of = (id: string) => rows.filter((c) => c.route === `batch ${id}`);
    expect(of(done.id).map((c) => c.status)).toEqual([200, 200, 200]);
    expect(of(expired.id).map((c) => c.status).sort()).toEqual([200, expect.any(Number), expect.any(Number)].sort());
    expect(of(expired.id).filter((c) => c.status === 200)).toHaveLength(1);
    const recorded = rows.reduce((usd, c) => usd + c.costUsd, 0);
    expect(recorded).toBeGreaterThan(0);
    // Nothing is left reserved: both batches settled at what their results cost.
    const after = spend(h);
    expect(after.reserved).toBe(0);
    expect(after.spent / 1e9).toBeCloseTo(recorded, 9);
  });

  it('an Anthropic batch read from its listed results_url is recorded and settles the reservation', async () => {
    h = await startHarness({ budgets: [{ name: 'day', period: 'day', usd: 100 }] });
    const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-batch-list', maxRetries: 0 });
    const requests = lines.map((l) => ({ custom_id: l.custom_id, params: { model: 'claude-3-5-haiku-latest', max_tokens: 40, messages: l.body.messages as Array<{ role: 'user'; content: string }> } }));
    const batch = await client.messages.batches.create({ requests });
    expect(spend(h).reserved).toBeGreaterThan(0);
    h.upstream.batch.complete(batch.id);

    let listed: Anthropic.Messages.Batches.MessageBatch | undefined;
    for await (const b of client.messages.batches.list()) if (b.id === batch.id) listed = b;
    expect(listed?.processing_status).toBe('ended');
    expect(listed?.results_url?.startsWith(h.anthropicBaseUrl)).toBe(true);
    const res = await fetch(listed!.results_url!, { headers: { 'x-api-key': 'sk-ant-batch-list', 'anthropic-version': '2023-06-01' } });
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\n')).toHaveLength(3);

    const rows = h.proxy.services.ledger.page({}, 100).calls.filter((c) => c.route === `batch ${batch.id}`);
    expect(rows.map((c) => c.status)).toEqual([200, 200, 200]);
    const after = spend(h);
    expect(after.reserved).toBe(0);
    expect(after.spent / 1e9).toBeCloseTo(rows.reduce((usd, c) => usd + c.costUsd, 0), 9);
  });
});
