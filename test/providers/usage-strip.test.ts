/**
 * Tollgate asks an OpenAI stream for its usage (`stream_options.include_usage`) when the client did
 * not, so every chunk then carries `"usage": null` and a last chunk the usage. The client gets the
 * stream it would have got unasked: without that member and without the usage chunk, every other
 * byte as the upstream sent it. Before, each chunk was parsed and serialised again, which changed
 * the bytes of any server that does not write compact JSON (Python's json.dumps: `", "`, `": "`,
 * `\u00fc` for ü) and cost a JSON.stringify per chunk. A chunk indented over several `data:`
 * lines goes out on as many (sent on one, the SDK failed on its first line break).
 */
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { rawUpstream, type RawUpstream } from '../support/rawUpstream';
import { sendSse } from '../support/sseWriter';

type Json = Record<string, unknown>;
type Body = { stream_options?: { include_usage?: boolean }; messages?: Array<{ content: string }> };

/** The recorded OpenAI transcript: compact JSON, `"usage":null` last in each chunk, a usage chunk, `[DONE]`. */
const RECORDED = readFileSync(new URL('../fixtures/sse/openai-chat-usage.sse', import.meta.url), 'utf8');
const recordedChunks = RECORDED.split('\n\n')
  .filter((f) => f.startsWith('data: {'))
  .map((f) => JSON.parse(f.slice('data: '.length)) as Json);

/** JSON as Python's json.dumps writes it by default: `", "` and `": "` separators, non-ASCII as \uXXXX. */
function pyDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${pyDumps(k)}: ${pyDumps(x)}`).join(', ')}}`;
  return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A compatible server's chunks: Python spacing, the usage member spelled with spaces around its
 * colon, followed by another member (OpenAI's `obfuscation`), and a content string that holds the
 * text of a usage member (a model answering in JSON).
 */
const spacedChunks: Json[] = recordedChunks.map((c, i) => (i === 2 ? { ...c, choices: [{ index: 0, delta: { content: '{"usage":null, "usage" : null}' }, finish_reason: null }] } : c));
function spacedFrame(c: Json): string {
  const { usage, ...rest } = c;
  const text = pyDumps(rest);
  if (usage !== null) return pyDumps(c);
  return `${text.slice(0, -1)}, "usage" : null, "obfuscation": "Zx9"}`;
}
const spacedUnasked = (c: Json): string => {
  const { usage: _usage, ...rest } = c;
  return `${pyDumps(rest).slice(0, -1)}, "obfuscation": "Zx9"}`;
};

let upstream: RawUpstream;
let h: Harness;
const asked: boolean[] = [];

beforeAll(async () => {
  upstream = await rawUpstream<Body>((_req, res, body) => {
    asked.push(body.stream_options?.include_usage === true);
    const prompt = body.messages?.at(-1)?.content;
    if (prompt === 'pretty') {
      // Each chunk indented over several lines, each a `data:` line (the client joins them with \n).
      sendSse(res, `${recordedChunks.map((c) => `${JSON.stringify(c, null, 1).split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`).join('')}data: [DONE]\n\n`);
      return;
    }
    sendSse(res, prompt === 'spaced' ? `${spacedChunks.map((c) => `data: ${spacedFrame(c)}\n\n`).join('')}data: [DONE]\n\n` : RECORDED);
  });
  h = await startHarness({ retries: { attempts: 0 }, cache: { enabled: false } }, { openai: { baseUrl: `${upstream.origin}/v1` } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

/** The stream's bytes as the client receives them, for a client that did not ask for usage. */
async function rawStream(content: string): Promise<string> {
  const res = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-strip' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content }] }),
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe('a stream whose usage Tollgate asked for, to a client that did not', () => {
  it('the recorded OpenAI stream arrives without `"usage":null` and the usage chunk, byte for byte otherwise', async () => {
    const expected = RECORDED.split('\n\n')
      .filter((f) => f !== '' && !f.includes('"choices":[],"usage":{'))
      .map((f) => `${f.replace(/,"usage":null\}$/, '}')}\n\n`)
      .join('');
    expect(await rawStream('recorded')).toBe(expected);
    expect(asked.at(-1)).toBe(true);
  });

  it("a compatible server's spacing, escapes and later members are kept; a string holding the member's text is not touched", async () => {
    const expected = `${spacedChunks
      .filter((c) => c.usage === null)
      .map((c) => `data: ${spacedUnasked(c)}\n\n`)
      .join('')}data: [DONE]\n\n`;
    const text = await rawStream('spaced');
    expect(text).toBe(expected);
    expect(text).toContain('Gr\\u00fc\\u00dfe');
  });

  it('the official SDK reads it: the text, and no chunk with a usage member', async () => {
    const oa = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-strip', maxRetries: 0 });
    for (const prompt of ['recorded', 'spaced', 'pretty']) {
      const chunks = await oa.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] });
      let text = '';
      let withUsage = 0;
      for await (const c of chunks) {
        text += c.choices[0]?.delta.content ?? '';
        if ('usage' in c) withUsage++;
      }
      const sent = (prompt === 'spaced' ? spacedChunks : recordedChunks).map((c) => ((c.choices as Array<{ delta?: { content?: string } }>)[0]?.delta?.content ?? '')).join('');
      expect(text).toBe(sent);
      expect(withUsage).toBe(0);
    }
  });
});
