/**
 * The batch relay reads the provider key from the proxy's environment as the pipeline does: a key
 * a CRLF `.env` file leaves with a trailing `\r\n` is sent trimmed. Untrimmed, undici refused the
 * header and `files.create` was answered 502 before anything reached the provider.
 */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { env: { OPENAI_API_KEY: 'sk-env-batch\r\n' } });
}, 60_000);
afterAll(() => h?.close());

it('an environment key with a trailing CRLF uploads and creates the batch', async () => {
  const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'dummy', maxRetries: 0 });
  const line = { custom_id: 'env-0', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'a batch on the environment key' }] } };
  const file = await client.files.create({ file: await toFile(Buffer.from(`${JSON.stringify(line)}\n`), 'in.jsonl'), purpose: 'batch' });
  const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  expect(batch.status).toBeDefined();
  expect(h.upstream.batch.batches.size).toBe(1);
});
