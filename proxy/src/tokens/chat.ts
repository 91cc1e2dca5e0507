/**
 * Chat request shapes and OpenAI's per-message overhead, without a tokenizer: shared by the exact
 * count (count.ts, in the token worker) and the upper bound the proxy uses before the worker is
 * ready (bound.ts, on the main thread, which must not load the rank tables).
 */
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
 * Tokens assumed for one image, document or audio part: their size in tokens depends on pixels or
 * pages the request does not state, and counting their base64 bytes as text would put a photo at
 * hundreds of thousands of tokens. 1,600 is the most an Anthropic image costs (about 1.15 MP / 750)
 * and above a high-detail gpt-4o image (765 tokens at 1024×1024); an estimate, for reservations.
 */
export const MEDIA_PART_TOKENS = 1_600;

const MEDIA_TYPES = new Set(['image', 'image_url', 'input_image', 'document', 'file', 'input_file', 'input_audio']);

/**
 * The text a message's content sends the model: text parts, refusals, a tool call's input (Anthropic
 * `tool_use`) and what a tool returned (`tool_result`, itself text or parts). Media parts are not text
 * (see mediaParts).
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

/** Image, document, file and audio parts of a content, tool results' included. */
export function mediaParts(content: ChatMessageLike['content'] | unknown): number {
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const p of content as unknown[]) {
    if (!p || typeof p !== 'object') continue;
    const part = p as ContentPartLike;
    if (MEDIA_TYPES.has(part.type)) n++;
    else if (part.type === 'tool_result') n += mediaParts(part.content);
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
