/**
 * Chat request shapes and OpenAI's per-message overhead, without a tokenizer: shared by the exact
 * count (count.ts, in the token worker) and the upper bound the proxy uses before the worker is
 * ready (bound.ts, on the main thread, which must not load the rank tables).
 */
import { imageTokens, inlineImageSize } from './images';
import { pdfPageCount } from './pdfPages';

/** A content part as the OpenAI and Anthropic APIs send them (text, image, tool_use, tool_result…). */
export interface ContentPartLike {
  type: string;
  text?: string;
  [field: string]: unknown;
}

export interface ChatMessageLike {
  role: string;
  content: string | ContentPartLike[] | null;
  name?: string;
}

/**
 * Tokens assumed for one document, file or audio part: their size in tokens depends on pages or
 * seconds the request does not state, and counting their base64 bytes as text would put a file at
 * hundreds of thousands of tokens. An estimate, for reservations; images are estimated per model
 * from their pixels and `detail` (mediaTokens, tokens/images.ts), and a PDF sent inline by its pages.
 */
export const MEDIA_PART_TOKENS = 1_600;

/**
 * Tokens assumed for one page of a PDF: Anthropic bills a page's text ("typically 1,500–3,000
 * tokens") and an image of it (up to about 1,600); OpenAI, too, sends the model each page's text and
 * image. Reserved at one fixed figure per document, a 36-page manual was held at 1,600 tokens.
 */
export const PDF_PAGE_TOKENS = 3_000;

const MEDIA_TYPES = new Set(['image', 'image_url', 'input_image', 'document', 'file', 'input_file', 'input_audio']);

/**
 * The text a message's content sends the model: text parts, refusals, a tool call's input (Anthropic
 * `tool_use`) and what a tool returned (`tool_result`, itself text or parts). Media parts are not text
 * (see mediaTokens).
 */
export function messageText(content: ChatMessageLike['content'] | unknown): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p: unknown): string => {
      if (!p || typeof p !== 'object') return '';
      const part = p as ContentPartLike;
      if (typeof part.text === 'string') return part.text;
      if (typeof part.refusal === 'string') return part.refusal;
      if (part.type === 'tool_result') return messageText(part.content);
      if ((part.type === 'tool_use' || part.type === 'server_tool_use') && part.input !== undefined) return JSON.stringify(part.input);
      return '';
    })
    .join('');
}

/** Image parts: Anthropic's, OpenAI chat's, the Responses API's, and its computer-use screenshots. */
const IMAGE_TYPES = new Set(['image', 'image_url', 'input_image', 'computer_screenshot']);

const field = (v: unknown, key: string): unknown => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);

/**
 * Billed tokens of one image part for this model (tokens/images.ts): its `detail` (OpenAI chat's
 * `image_url.detail`, the Responses API's `detail`; absent or `auto` may be high) and its pixels when
 * they travel inline (a `data:` URL, an Anthropic base64 source). A URL or file id: the most it can bill.
 */
function imagePartTokens(part: ContentPartLike, model: string): number {
  const url = typeof part.image_url === 'string' ? part.image_url : field(part.image_url, 'url');
  const detail = (part.detail ?? field(part.image_url, 'detail')) === 'low' ? 'low' : 'high';
  const source = field(part, 'source');
  const inline = typeof url === 'string' && url.startsWith('data:') ? url : field(source, 'type') === 'base64' ? field(source, 'data') : undefined;
  return imageTokens(model, detail, typeof inline === 'string' ? inlineImageSize(inline) : undefined);
}

/**
 * The base64 of a PDF a part carries inline: an Anthropic `document` source, OpenAI chat's
 * `file.file_data`, the Responses API's `file_data` (both `data:application/pdf;base64,…` URLs).
 */
function inlinePdf(part: ContentPartLike): string | undefined {
  const source = field(part, 'source');
  if (field(source, 'type') === 'base64' && field(source, 'media_type') === 'application/pdf') {
    const data = field(source, 'data');
    return typeof data === 'string' ? data : undefined;
  }
  const url = part.file_data ?? field(part.file, 'file_data');
  return typeof url === 'string' && url.startsWith('data:application/pdf;base64,') ? url : undefined;
}

/**
 * Each part's tokens once: one request's estimate reads its parts two or three times (reservation,
 * count, settlement), and a large PDF's pages take a tenth of a second to find. Keyed by the part, so
 * nothing outlives the request body.
 */
const documentTokens = new WeakMap<ContentPartLike, number>();

/** A document, file or audio part: an inline PDF by its pages (tokens/pdfPages.ts), anything else MEDIA_PART_TOKENS. */
function documentPartTokens(part: ContentPartLike): number {
  let n = documentTokens.get(part);
  if (n === undefined) {
    const pdf = inlinePdf(part);
    const pages = pdf === undefined ? undefined : pdfPageCount(pdf);
    n = pages === undefined ? MEDIA_PART_TOKENS : pages * PDF_PAGE_TOKENS;
    documentTokens.set(part, n);
  }
  return n;
}

/**
 * Tokens assumed for a content's media, tool results' included: each image as its model bills it
 * (imagePartTokens), each document, file or audio part as documentPartTokens.
 */
export function mediaTokens(content: ChatMessageLike['content'] | unknown, model: string): number {
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const p of content as unknown[]) {
    if (!p || typeof p !== 'object') continue;
    const part = p as ContentPartLike;
    if (IMAGE_TYPES.has(part.type)) n += imagePartTokens(part, model);
    else if (MEDIA_TYPES.has(part.type)) n += documentPartTokens(part);
    else if (part.type === 'tool_result') n += mediaTokens(part.content, model);
  }
  return n;
}

export interface ChatOverhead {
  perMessage: number;
  perName: number;
  replyPriming: number;
}

export function chatOverheadFor(model: string): ChatOverhead {
  if (/gpt-3\.5-turbo-0301/i.test(model)) return { perMessage: 4, perName: -1, replyPriming: 3 };
  return { perMessage: 3, perName: 1, replyPriming: 3 };
}
