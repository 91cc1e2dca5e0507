/**
 * Chat request shapes and OpenAI's per-message overhead, without a tokenizer: shared by the exact
 * count (count.ts, in the token worker) and the upper bound the proxy uses before the worker is
 * ready (bound.ts, on the main thread, which must not load the rank tables).
 */
export interface ChatMessageLike {
  role: string;
  content: string | Array<{ type: string; text?: string }> | null;
  name?: string;
}

/** The text parts of a message's content (images and other parts are not counted here). */
export function messageText(content: ChatMessageLike['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
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
