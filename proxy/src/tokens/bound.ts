/**
 * An upper bound on what count.ts would count, computed without a tokenizer. tiktoken's encodings
 * are byte-level BPE: every token covers at least one UTF-8 byte, so a text never has more tokens
 * than bytes. Adding the largest chat overhead any model uses (chat.ts) bounds a whole request.
 * The proxy reserves budgets with it while the token worker is still building its encoders, so a
 * budget is never under-reserved; settlement uses the provider's reported usage either way.
 */
import { chatOverheadFor, messageText, type ChatMessageLike } from './chat';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

export function upperBoundTokens(model: string, messages: ChatMessageLike[] | undefined, texts: string[] = []): number {
  let n = 0;
  if (messages?.length) {
    const o = chatOverheadFor(model);
    n += o.replyPriming;
    for (const m of messages) {
      n += o.perMessage + bytes(m.role) + bytes(messageText(m.content));
      if (m.name !== undefined) n += bytes(m.name) + Math.max(0, o.perName);
    }
  }
  for (const t of texts) n += bytes(t);
  return n;
}
