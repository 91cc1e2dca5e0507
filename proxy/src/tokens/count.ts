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

/** Tokens a model whose tokenizer writes each digit alone (models.ts splitsDigits) counts beyond o200k, which joins up to three. */
export function digitTokens(text: string, model: string): number {
  let n = 0;
  if (splitsDigits(model)) for (const [digits] of text.matchAll(/[0-9]{2,}/g)) n += digits.length - Math.ceil(digits.length / 3);
  return n;
}

export function countTextTokens(text: string, model: string): TokenCount {
  const choice = encodingForModel(model);
  const tokens = countTokens(getEncoder(choice.encoding), text) + digitTokens(text, model);
  return { tokens, exact: choice.exact, encoding: choice.encoding };
}

/** Tokens of one message including its per-message overhead (not the reply priming). */
export function countMessageTokens(message: ChatMessageLike, model: string): number {
  const { encoding } = encodingForModel(model);
  const enc = getEncoder(encoding);
  const overhead = chatOverheadFor(model);
  const count = (s: string) => countTokens(enc, s) + digitTokens(s, model);
  let n = overhead.perMessage + count(message.role) + count(messageText(message.content));
  if (message.name !== undefined) n += count(message.name) + overhead.perName;
  return n;
}

export function countChatTokens(messages: ChatMessageLike[], model: string): TokenCount {
  const choice = encodingForModel(model);
  let tokens = chatOverheadFor(model).replyPriming;
  for (const m of messages) tokens += countMessageTokens(m, model);
  return { tokens, exact: choice.exact, encoding: choice.encoding };
}
