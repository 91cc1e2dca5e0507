/**
 * Portkey's gateway checks every `custom_host` before it sends anything (@portkey-ai/gateway 1.15.2,
 * its custom-host check): a URL naming `api.portkey` and a host name with a character other than
 * a-z, 0-9, `.` and `-` (an `_`, as in Docker service names like `vllm_server`, or the brackets of
 * an IPv6 literal such as `[::1]`) are refused before its TRUSTED_CUSTOM_HOSTS list is read, so the
 * request fails with 400 "Invalid custom host" whatever that list says. The real gateway runs here
 * with all three trusted; the export must warn at each provider's baseUrl, and never at a host the
 * trust list does let through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { type PortkeyGateway, startPortkey } from './behaviour/portkeyGateway';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';

let gateway: PortkeyGateway;
let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startPortkey({ TRUSTED_CUSTOM_HOSTS: 'vllm_server,[::1],::1,api.portkey.ai,localhost' });
}, 120_000);
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

function exported(baseUrl: string): { config: string; warned: string[] } {
  const text = `providers:\n  openai: { models: ["gpt-*"] }\n  local: { kind: openai, baseUrl: "${baseUrl}", models: ["llama*"] }\n`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'portkey', { file: 'policy.yaml', text });
  const config = (out.files.find((f) => f.path === 'config.json')?.content ?? '').replace(/\$\{[A-Z_]+\}/g, 'sk-test');
  return { config, warned: out.warnings.filter((w) => w.field === 'providers.local.baseUrl').map((w) => w.message) };
}

async function status(config: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-portkey-config': JSON.stringify(JSON.parse(config)) },
    body: JSON.stringify({ model: 'llama3', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, text: await res.text() };
}

describe('Portkey custom hosts the gateway refuses whatever TRUSTED_CUSTOM_HOSTS lists', () => {
  for (const host of ['http://vllm_server:8000/v1', 'http://[::1]:9/v1', 'https://api.portkey.ai/v1']) {
    it(`${host} is refused by the gateway and warned by the export`, async () => {
      const { config, warned } = exported(host);
      const answer = await status(config);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('Invalid custom host');
      expect(warned.join('\n')).toContain('whatever its TRUSTED_CUSTOM_HOSTS lists');
    });
  }

  it('a trusted loopback host name reaches the upstream and gets no such warning', async () => {
    const { config, warned } = exported(upstream.openaiBaseUrl.replace('127.0.0.1', 'localhost'));
    expect((await status(config)).status).toBe(200);
    expect(warned).toEqual([]);
  });
});
