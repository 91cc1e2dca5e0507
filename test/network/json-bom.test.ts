/**
 * JSON bodies that start with a UTF-8 byte-order mark: what Windows PowerShell 5.1 writes with
 * `Set-Content -Encoding UTF8` / `Out-File -Encoding utf8` (and Notepad before 2019), then sent with
 * `curl --data-binary @request.json` or `Invoke-RestMethod -InFile`. RFC 8259 §8.1 lets a parser
 * ignore the mark; Tollgate refused the call with "Unexpected token 'ï»¿'".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('a JSON body with a UTF-8 byte-order mark', () => {
  it('is read as the JSON after the mark (OpenAI route), forwarded and recorded', async () => {
    const body = Buffer.concat([BOM, Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bom from powershell' }] }))]);
    const r = await fetch(`${h.openaiBaseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bom' }, body });
    const text = await r.text();
    expect(r.status, text).toBe(200);
    const sent = h.upstream.requests.at(-1)!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(JSON.stringify(sent.body)).toContain('bom from powershell');
    const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(row.status).toBe(200);
    expect(row.modelRequested).toBe('gpt-4o-mini');
  });

  it('works on the Anthropic route too, with a charset parameter', async () => {
    const body = Buffer.concat([BOM, Buffer.from(JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 16, messages: [{ role: 'user', content: 'bom anthropic' }] }))]);
    const r = await fetch(`${h.proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-api-key': 'sk-ant-bom', 'anthropic-version': '2023-06-01' },
      body,
    });
    expect(r.status, await r.text()).toBe(200);
  });

  it('a mark anywhere but the start is still an error (only the leading one is ignored)', async () => {
    const body = Buffer.concat([Buffer.from(' '), BOM, Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}')]);
    const r = await fetch(`${h.openaiBaseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bom' }, body });
    expect(r.status).toBe(400);
  });
});
