/**
 * Token counts for text and chat requests. Exact (js-tiktoken with the model's own encoding) for
 * OpenAI models; for every other provider a clearly labelled estimate (`exact: false`).
 * Chat overhead follows OpenAI's cookbook "How to count tokens with tiktoken": 3 tokens per message,
 * +1 per `name`, +3 to prime the reply (gpt-3.5-turbo-0301: 4 per message, −1 per name).
 */
import { countTokens } from './bpe';
import { chatOverheadFor, messageText, type ChatMessageLike } from './chat';
import { encodingForModel, getEncoder } from './encoding';
import { splitsDigits } from './models';

export { chatOverheadFor, messageText, type ChatMessageLike, type ChatOverhead } from './chat';

export interface TokenCount {
  tokens: number;
  /** false: not the model's own tokenizer, so the figure is an estimate. */
  exact: boolean;
  encoding: string;
}

/**
 * A text's tokens at `model`: its encoding's count, plus, for a tokenizer that writes each digit
 * alone (models.ts splitsDigits), the digits o200k joins up to three. The one rule for the proxy's
 * counts and the analyses' (analysis/cost/piece-counter.ts counts a piece at a time with it).
 */
export function textCounter(model: string): (text: string) => number {
  const enc = getEncoder(encodingForModel(model).encoding);
  if (!splitsDigits(model)) return (text) => countTokens(enc, text);
  return (text) => {
    let n = countTokens(enc, text);
    for (const [digits] of text.matchAll(/[0-9]{2,}/g)) n += digits.length - Math.ceil(digits.length / 3);
    return n;
  };
}

export function countTextTokens(text: string, model: string): TokenCount {
  const { encoding, exact } = encodingForModel(model);
  return { tokens: textCounter(model)(text), exact, encoding };
}

/** Tokens of one message including its per-message overhead (not the reply priming); `count`: textCounter(model) or a memo of it. */
export function countMessageTokens(message: ChatMessageLike, model: string, count = textCounter(model)): number {
  const overhead = chatOverheadFor(model);
  let n = overhead.perMessage + count(message.role) + count(messageText(message.content));
  if (message.name !== undefined) n += count(message.name) + overhead.perName;
  return n;
}

export function countChatTokens(messages: ChatMessageLike[], model: string): TokenCount {
  const choice = encodingForModel(model);
  const count = textCounter(model);
  let tokens = chatOverheadFor(model).replyPriming;
  for (const m of messages) tokens += countMessageTokens(m, model, count);
  return { tokens, exact: choice.exact, encoding: choice.encoding };
}
