/**
 * The SDK set-up the docs show — `new OpenAI({ baseURL: 'http://127.0.0.1:4141/v1' })`,
 * `new Anthropic({ baseURL: 'http://127.0.0.1:4141' })`, Python's `OpenAI(base_url=…)`, and the
 * base-URL table of docs/proxy.md — works as written against a real proxy: only the port is
 * substituted, the key comes from the environment as the README says, and it reaches the provider.
 * (The Python URL is checked with the Node SDK: both append the same paths to `base_url`.)
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { codeLines, docFiles, read } from './docText';

interface DocClient {
  where: string;
  sdk: 'openai' | 'anthropic';
  baseUrl: string;
}

/** Client constructions in code blocks, and `| SDK | base URL |` rows. */
function clients(file: string, text = read(file)): DocClient[] {
  const out: DocClient[] = [];
  for (const l of codeLines(file, text)) {
    for (const m of l.text.matchAll(/\b(OpenAI|Anthropic)\(\{?\s*(?:baseURL:|base_url=)\s*['"]([^'"]+)['"]/g)) {
      out.push({ where: l.where, sdk: m[1] === 'OpenAI' ? 'openai' : 'anthropic', baseUrl: m[2]! });
    }
  }
  text.split('\n').forEach((line, i) => {
    const row = /^\| ([^|]*(?:OpenAI|Anthropic)[^|]*) \| `(https?:\/\/[^`]+)` \|$/.exec(line);
    if (row) out.push({ where: `${file}:${i + 1}`, sdk: /^Anthropic/.test(row[1]!) ? 'anthropic' : 'openai', baseUrl: row[2]! });
  });
  return out;
}

describe('SDK base URLs in the docs', () => {
  let h: Harness;
  const saved = { openai: process.env.OPENAI_API_KEY, anthropic: process.env.ANTHROPIC_API_KEY };
  beforeAll(async () => {
    h = await startHarness();
    // README: `export OPENAI_API_KEY=sk-…`; the SDKs read it, the proxy passes it on.
    process.env.OPENAI_API_KEY = 'sk-docs-openai-key';
    process.env.ANTHROPIC_API_KEY = 'sk-ant-docs-key';
  });
  afterAll(async () => {
    for (const [k, v] of [['OPENAI_API_KEY', saved.openai], ['ANTHROPIC_API_KEY', saved.anthropic]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await h?.close();
  });

  const found = docFiles.flatMap((f) => clients(f));

  it('finds the snippets', () => {
    expect(found.filter((c) => c.sdk === 'openai').length).toBeGreaterThanOrEqual(2);
    expect(found.filter((c) => c.sdk === 'anthropic').length).toBeGreaterThanOrEqual(2);
  });

  for (const c of found) {
    it(`${c.where}: ${c.sdk} at ${c.baseUrl} answers through the proxy with the caller's key`, async () => {
      const { origin } = new URL(h.proxy.url);
      const baseURL = c.baseUrl.replace(/^https?:\/\/(127\.0\.0\.1|localhost):\d+/, origin);
      expect(baseURL, 'a docs base URL names the proxy on 127.0.0.1:4141').not.toBe(c.baseUrl);
      const before = h.upstream.requests.length;
      if (c.sdk === 'openai') {
        const { data, response } = await new OpenAI({ baseURL, maxRetries: 0 }).chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `docs snippet ${c.where}` }] })
          .withResponse();
        expect(data.choices[0]?.message.content).toBeTruthy();
        expect(response.headers.get('x-tollgate-cache')).toBe('miss');
      } else {
        const { data, response } = await new Anthropic({ baseURL, maxRetries: 0 }).messages
          .create({ model: 'claude-3-5-haiku-latest', max_tokens: 32, messages: [{ role: 'user', content: `docs snippet ${c.where}` }] })
          .withResponse();
        expect(data.content.length).toBeGreaterThan(0);
        expect(response.headers.get('x-tollgate-cache')).toBe('miss');
      }
      const sent = h.upstream.requests.slice(before).at(-1)?.headers;
      if (c.sdk === 'openai') expect(sent?.authorization).toBe('Bearer sk-docs-openai-key');
      else expect(sent?.['x-api-key']).toBe('sk-ant-docs-key');
    });
  }
});
