/**
 * The first-byte wait when the policy leaves a provider's `timeoutMs`: the client's own timeout,
 * as the OpenAI and Anthropic SDKs state it (`X-Stainless-Timeout` from Node,
 * `X-Stainless-Read-Timeout` from Python; seconds). A policy's own value still wins. The fake
 * upstream answers late ([[fake:slow=MS]]); retries are off so each call is one attempt.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let unset: Harness;
let set: Harness;

beforeAll(async () => {
  // The harness sets 5 s; `undefined` leaves the field to the policy's default.
  unset = await startHarness({ retries: { attempts: 0 } }, { openai: { timeoutMs: undefined } });
  set = await startHarness({ retries: { attempts: 0 } }, { openai: { timeoutMs: 200 } });
});
afterAll(async () => {
  await unset?.close();
  await set?.close();
});

/** Each prompt differs, so no answer comes from the cache. */
let asked = 0;

async function ask(h: Harness, slowMs: number, stated?: string, header = 'x-stainless-timeout') {
  const r = await request(`${h.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x', ...(stated === undefined ? {} : { [header]: stated }) },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `think long ${++asked} [[fake:slow=${slowMs}]]` }] }),
  });
  const json = (await r.body.json()) as { error?: { type?: string } };
  return { status: r.statusCode, type: json.error?.type };
}

describe('first-byte wait from the client', () => {
  it('waits as long as the client said it will, not the default', async () => {
    // The client gives up after 1 s, so the proxy stops waiting then too (the default would wait 120 s).
    expect(await ask(unset, 4_000, '1')).toEqual({ status: 504, type: 'upstream_timeout' });
    const row = unset.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(row.errorType).toBe('upstream_timeout');
  });

  it("takes the Python SDKs' read timeout (seconds with a fraction) the same way", async () => {
    expect(await ask(unset, 4_000, '1.0', 'x-stainless-read-timeout')).toEqual({ status: 504, type: 'upstream_timeout' });
  });

  it('ignores a stated timeout that is not a positive number of seconds', async () => {
    for (const stated of ['abc', '0', '-5', '']) expect(await ask(unset, 1_500, stated)).toEqual({ status: 200, type: undefined });
  });

  it("keeps the policy's timeoutMs when it sets one", async () => {
    expect(await ask(set, 1_500, '600')).toEqual({ status: 504, type: 'upstream_timeout' });
  });
});
