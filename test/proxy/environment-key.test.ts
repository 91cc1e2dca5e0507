/**
 * The provider keys the proxy reads from its environment, as a CRLF `.env` file or a pasted key
 * leave them: with a trailing `\r\n`. undici refuses such a header value, so the call was never sent
 * and was answered 502 "the upstream connection failed" (retried by the proxy and then the SDK:
 * nine rows for one call). And a key moved with its call to a fallback provider must still be
 * recognised as the environment's, so the fallback gets its own environment key, not the first one's.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { rawUpstream, type RawUpstream } from '../support/rawUpstream';
import { rowsFor, uniq } from '../reliability/support';

const seen: Array<{ host: string; model: string; auth: string }> = [];
let primary: RawUpstream;
let other: RawUpstream;
let rig: Harness;

/** An OpenAI chat answer, or a 500 from the primary for a model the test wants to fall back from. */
function answering(host: string): Parameters<typeof rawUpstream<{ model?: string }>>[0] {
  return (req, res, body) => {
    const model = String(body.model);
    seen.push({ host, model, auth: String(req.headers.authorization) });
    if (host === 'primary' && model === 'gpt-4.1') {
      res.writeHead(500, { 'content-type': 'application/json', 'x-should-retry': 'false' });
      res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error', param: null, code: null } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'chatcmpl-env', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: `hi from ${host}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } }));
  };
}

beforeAll(async () => {
  primary = await rawUpstream(answering('primary'));
  other = await rawUpstream(answering('other'));
  rig = await startHarness(
    {
      retries: { attempts: 0 },
      providers: {
        together: { kind: 'openai', baseUrl: `${other.origin}/v1`, apiKeyEnv: 'TOGETHER_API_KEY', models: ['meta-llama/*'] },
        pasted: { kind: 'openai', baseUrl: `${other.origin}/v1`, apiKeyEnv: 'PASTED_API_KEY', models: ['pasted-*'] },
      },
      fallbacks: [{ from: 'gpt-4.1', to: ['together/meta-llama/Llama-3.3-70B-Instruct-Turbo'] }],
    },
    { env: { OPENAI_API_KEY: 'sk-env-openai\r\n', TOGETHER_API_KEY: 'tg-env-together\n', PASTED_API_KEY: 'sk-pasted\u200b-key' }, openai: { baseUrl: `${primary.origin}/v1` } },
  );
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await primary?.close();
  await other?.close();
});

it('an environment key with a trailing CRLF is sent trimmed: one upstream call, answered', async () => {
  const oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'dummy' }); // the proxy holds the key; SDK retries on
  const before = seen.length;
  const { data, response } = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: uniq('env key') }] }).withResponse();
  expect(data.choices[0]?.message.content).toBe('hi from primary');
  expect(seen.slice(before)).toEqual([{ host: 'primary', model: 'gpt-4o-mini', auth: 'Bearer sk-env-openai' }]);
  expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id'))).toMatchObject([{ status: 200 }]);
});

it("a fallback to another provider takes that provider's environment key, never the first one's", async () => {
  const oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'dummy', maxRetries: 0 });
  const before = seen.length;
  const data = await oa.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: uniq('env key fallback') }] });
  expect(data.choices[0]?.message.content).toBe('hi from other');
  expect(seen.slice(before)).toEqual([
    { host: 'primary', model: 'gpt-4.1', auth: 'Bearer sk-env-openai' },
    { host: 'other', model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', auth: 'Bearer tg-env-together' },
  ]);
});

it('a key HTTP cannot carry (a zero-width space pasted into it) is never sent: one 500 naming Tollgate, not retried, nothing billed', async () => {
  const oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'dummy' }); // the SDK's default retries
  const before = seen.length;
  const err = await oa.chat.completions.create({ model: 'pasted-small', messages: [{ role: 'user', content: uniq('env key pasted') }] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  const e = err as InstanceType<typeof OpenAI.APIError>;
  expect(seen.slice(before)).toEqual([]);
  expect(e.status).toBe(500);
  expect(e.headers?.get('x-should-retry')).toBe('false');
  expect(e.message).toMatch(/Tollgate could not send the call to pasted: invalid authorization header/);
  expect(e.message).not.toMatch(/sk-pasted/);
  // One row for the whole call (the SDK did not retry), $0: the upstream never read the call.
  expect(rig.proxy.services.db.prepare("SELECT request_id FROM calls WHERE model_requested = 'pasted-small'").all()).toHaveLength(1);
  expect(rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'))).toMatchObject([{ status: 500, error_type: 'internal_error', cost_usd: 0 }]);
});
