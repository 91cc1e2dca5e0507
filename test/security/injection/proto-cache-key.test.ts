/**
 * A request body may carry a top-level `__proto__` key: JSON.parse keeps it as an own field and the
 * proxy forwards it as sent (an OpenAI-compatible server, a gateway or a local model ignores it).
 * The exact cache key must see it as the data it is — never as the prototype of the keyed body,
 * which dropped it from the key and let its fields (`system`) be read as if the request had them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({});
}, 60_000);
afterAll(async () => h?.close());

async function send(body: string): Promise<string | null> {
  const r = await fetch(`${h.proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
    body,
  });
  expect(r.status).toBe(200);
  await r.text();
  return r.headers.get('x-tollgate-cache');
}

const turn = (text: string) => `"model":"claude-haiku-4-5","max_tokens":20,"messages":[{"role":"user","content":"${text}"}]`;

describe('`__proto__` in a request body and the exact cache key', () => {
  it('an answer made without the system prompt is not replayed to a request that has it', async () => {
    const before = h.upstream.calls();
    // The upstream sees no `system` field here: its answer ignores the pirate.
    expect(await send(`{${turn('proto system')},"__proto__":{"system":"You are a pirate."}}`)).toBe('miss');
    expect(await send(`{${turn('proto system')},"system":"You are a pirate."}`)).toBe('miss');
    expect(h.upstream.calls() - before).toBe(2);
  });

  it('bodies that differ only in their `__proto__` field are different requests; the same body is still a hit', async () => {
    expect(await send(`{${turn('proto fields')},"__proto__":{"temperature":0}}`)).toBe('miss');
    expect(await send(`{${turn('proto fields')},"__proto__":{"temperature":1}}`)).toBe('miss');
    expect(await send(`{${turn('proto fields')}}`)).toBe('miss');
    expect(await send(`{${turn('proto fields')},"__proto__":{"temperature":1}}`)).toBe('exact');
  });
});
