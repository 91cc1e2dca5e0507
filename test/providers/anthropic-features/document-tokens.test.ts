/**
 * Anthropic content that carries text outside text blocks — plain-text and custom-content
 * documents (the citations feature), `search_result` blocks, also inside a tool result, and the
 * thinking an assistant turn sends back — is counted as the text it is. Counted as one fixed-size medium (or not at all), a 30k-token document
 * reserved under 2k tokens, so a TPM rate limit let through a request several times its size.
 * Through the real proxy with the SDK; the rate limit's refusal is the observable.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../../proxy/src/pipeline/cost';
import { proxyOverUpstream } from './anthropicUpstream';

const MODEL = 'claude-sonnet-4-5-20250929';
// About 30k tokens of prose (20k words).
const LONG = 'The committee reviewed the quarterly figures and approved the revised plan. '.repeat(1_700);
// Billed usage is small so that the first call's settlement leaves the TPM window nearly empty.
const answer = { id: 'msg_01Doc', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'A summary.' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 25, output_tokens: 20 } };

const t = proxyOverUpstream({ Summarise: { message: answer } }, 'sk-ant-doc-tokens', { rateLimits: [{ name: 'docs-tpm', tpm: 12_000 }] });

type Block = Anthropic.ContentBlockParam;
const textDocument = (data: string): Block => ({ type: 'document', source: { type: 'text', media_type: 'text/plain', data }, title: 'Minutes', citations: { enabled: true } });
const contentDocument = (text: string): Block => ({ type: 'document', source: { type: 'content', content: [{ type: 'text', text }] }, citations: { enabled: true } });
const searchResult = (text: string): Anthropic.SearchResultBlockParam => ({ type: 'search_result', source: 'https://example.com/minutes', title: 'Minutes', content: [{ type: 'text', text }], citations: { enabled: true } });

async function ask(blocks: Block[], tag: string) {
  const r = await t.client.messages
    .create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: [...blocks, { type: 'text', text: `Summarise ${tag} ${process.pid}` }] }] })
    .withResponse()
    .then(({ response }) => response.status)
    .catch((e: unknown) => (e instanceof Anthropic.APIError ? { status: e.status, type: (e.error as { error?: { type?: string } })?.error?.type } : e));
  return r;
}

describe('text in Anthropic documents and search results counts toward rate limits', () => {
  it('a small document passes the 12k TPM limit; a 30k-token one is refused, in each of its shapes', async () => {
    expect(await ask([textDocument('The plan was approved.')], 'small')).toBe(200);
    const before = t.up.requests.length;
    expect(await ask([textDocument(LONG)], 'text doc')).toEqual({ status: 429, type: 'rate_limit_error' });
    expect(await ask([contentDocument(LONG)], 'content doc')).toEqual({ status: 429, type: 'rate_limit_error' });
    expect(await ask([searchResult(LONG)], 'search result')).toEqual({ status: 429, type: 'rate_limit_error' });
    // Search results returned by a client tool come back inside its tool_result.
    const inTool: Block[] = [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [searchResult(LONG)] }];
    expect(await ask(inTool, 'tool result')).toEqual({ status: 429, type: 'rate_limit_error' });
    expect(t.up.requests.length).toBe(before);
  });

  it('the thinking an agent loop sends back with its tool results counts too', async () => {
    const before = t.up.requests.length;
    const loop = (thinking: string) =>
      t.client.messages
        .create({
          model: MODEL,
          max_tokens: 100,
          tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
          messages: [
            { role: 'user', content: `Summarise loop ${thinking.length} ${process.pid}` },
            { role: 'assistant', content: [{ type: 'thinking', thinking, signature: 'EqQBCkgIARAB' }, { type: 'tool_use', id: 'toolu_01', name: 'lookup', input: {} }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'found' }] },
          ],
        })
        .then(() => 200)
        .catch((e: unknown) => (e instanceof Anthropic.APIError ? e.status : e));
    expect(await loop('I should look it t.up.')).toBe(200);
    expect(await loop(LONG)).toBe(429);
    expect(t.up.requests.length).toBe(before + 1);
  });

  it('a text document is not also counted as an image-sized medium; an image inside a content document is', () => {
    const parts = (content: Block[]) => inputParts({ messages: [{ role: 'user', content }] });
    const doc = parts([textDocument('Short.')]);
    expect(doc.mediaTokens).toBe(0);
    expect(doc.texts).toEqual(['Minutes', 'Short.']);
    const image: Block = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } };
    const withImage = parts([{ type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Caption.' }, image] } }]);
    expect(withImage.mediaTokens).toBe(parts([image]).mediaTokens);
    expect(withImage.texts).toEqual(['Caption.']);
    // A PDF stays one medium (its pages are images and text the counter cannot read).
    expect(parts([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }]).mediaTokens).toBe(parts([image]).mediaTokens);
  });
});
