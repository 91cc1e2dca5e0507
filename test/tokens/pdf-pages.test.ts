/**
 * A PDF sent inline is reserved by its pages: Anthropic and OpenAI bill each page's text and an
 * image of it. Reserved as one fixed-size medium, a 36-page manual was held at 1,600 tokens, so a
 * tokens-per-minute limit or a budget let through a call many times its size.
 * Fixtures: one-page.pdf, printed by Chromium from a page of HTML (PDF 1.4, its page object in the
 * open), and five-pages-objstm.pdf, five pages printed by Chromium and rewritten by qpdf with
 * `--object-streams=generate` (PDF 1.5: the page objects inside a deflated object stream, as pdfTeX
 * and most current writers store them).
 */
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { MEDIA_PART_TOKENS, mediaTokens, PDF_PAGE_TOKENS } from '../../proxy/src/tokens/chat';
import { pdfPageCount } from '../../proxy/src/tokens/pdfPages';
import { proxyOverUpstream } from '../providers/anthropic-features/anthropicUpstream';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url)).toString('base64');
const ONE_PAGE = fixture('one-page.pdf');
const FIVE_PAGES = fixture('five-pages-objstm.pdf');
const MODEL = 'claude-sonnet-4-5-20250929';

describe('PDF pages', () => {
  it('are counted in the open and inside compressed object streams, from base64 or a data URL', () => {
    expect(pdfPageCount(ONE_PAGE)).toBe(1);
    expect(pdfPageCount(FIVE_PAGES)).toBe(5);
    expect(pdfPageCount(`data:application/pdf;base64,${FIVE_PAGES}`)).toBe(5);
    // Not a PDF, or a PDF cut before its pages.
    expect(pdfPageCount(Buffer.from('plain text').toString('base64'))).toBeUndefined();
    expect(pdfPageCount(Buffer.from('%PDF-1.7\n').toString('base64'))).toBeUndefined();
  });

  it('an inline PDF is reserved by its pages in each API’s shape; a file by URL or id keeps the fixed estimate', () => {
    const anthropic = [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: FIVE_PAGES } }];
    const chat = [{ type: 'file', file: { filename: 'one-page.pdf', file_data: `data:application/pdf;base64,${ONE_PAGE}` } }];
    const responses = [{ type: 'input_file', filename: 'five-pages.pdf', file_data: `data:application/pdf;base64,${FIVE_PAGES}` }];
    expect(mediaTokens(anthropic, MODEL)).toBe(5 * PDF_PAGE_TOKENS);
    expect(mediaTokens(chat, 'gpt-4o')).toBe(PDF_PAGE_TOKENS);
    expect(mediaTokens(responses, 'gpt-4.1')).toBe(5 * PDF_PAGE_TOKENS);
    expect(mediaTokens([{ type: 'tool_result', tool_use_id: 'toolu_01', content: anthropic }], MODEL)).toBe(5 * PDF_PAGE_TOKENS);
    expect(mediaTokens([{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }], MODEL)).toBe(MEDIA_PART_TOKENS);
    expect(mediaTokens([{ type: 'input_file', file_id: 'file-abc' }], 'gpt-4.1')).toBe(MEDIA_PART_TOKENS);
  });
});

const answer = { id: 'msg_01Pdf', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'A summary.' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 25, output_tokens: 20 } };
// Room for a one-page document, not for five pages.
const t = proxyOverUpstream({ Summarise: { message: answer } }, 'sk-ant-pdf-pages', { rateLimits: [{ name: 'pdf-tpm', tpm: 12_000 }] });

async function ask(data: string, tag: string) {
  return t.client.messages
    .create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data } }, { type: 'text', text: `Summarise ${tag} ${process.pid}` }] }] })
    .withResponse()
    .then(({ response }) => response.status)
    .catch((e: unknown) => (e instanceof Anthropic.APIError ? e.status : e));
}

describe('PDFs against a tokens-per-minute limit (real proxy)', () => {
  it('one page passes the 12k limit; five pages are refused before the upstream', async () => {
    // A first small call in the window (the first call of a window is never refused by its size).
    expect((await t.client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: `Summarise first ${process.pid}` }] })).id).toBe('msg_01Pdf');
    expect(await ask(ONE_PAGE, 'one page')).toBe(200);
    const before = t.up.requests.length;
    expect(await ask(FIVE_PAGES, 'five pages')).toBe(429);
    expect(t.up.requests.length).toBe(before);
  });
});
