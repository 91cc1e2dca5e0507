/**
 * The learned router's input vector: the sentence embedding of the last user turn (when one is
 * available) followed by the cheap string features, the hand-weighted score and a length term.
 * Pure. The same function builds the vectors for training and for live requests, so the two can
 * never drift apart.
 */
import { heuristicScore } from '../complexity';
import { estimateTokens, extractFeatures, routingAsk, type ChatText, type FeatureName } from '../features';

/** Order of the cheap part of the vector; part of the weights file, checked on load. */
export const CHEAP_FEATURES: readonly string[] = [
  'length',
  'context',
  'task',
  'code',
  'math',
  'reasoning',
  'constraints',
  'multiStep',
  'depth',
  'simple',
  'heuristic',
  'logTokens',
  'digits',
  'choices',
] as const satisfies readonly (FeatureName | 'heuristic' | 'logTokens' | 'digits' | 'choices')[];

/**
 * Whether the embedding model (USE-lite: an English vocabulary) can read the ask: at least half of
 * its letters are Latin. Asks without letters (code symbols, numbers) count as readable.
 */
export function embeddingReadsAsk(ask: string): boolean {
  const text = ask.slice(0, 400);
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return true;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return latin * 2 >= letters;
}

/**
 * Cheap features in CHEAP_FEATURES order. `logTokens` is log10 of the estimated tokens of the ask
 * (estimateTokens: characters / 4, a CJK character one token; the same estimate at training and at
 * run time: no tokenizer on the hot path),
 * divided by 4 so 10k tokens → 1.
 */
export function cheapVector(messages: ChatText[], fullAsk: string = routingAsk(messages)): number[] {
  const f = extractFeatures(messages, fullAsk);
  const heuristic = heuristicScore(f);
  const ask = fullAsk.slice(0, 8000);
  const logTokens = Math.min(1, Math.log10(Math.max(1, estimateTokens(ask))) / 4);
  const digits = Math.min(1, (ask.match(/\d/g)?.length ?? 0) / 20);
  // Lettered options ("A) … B) …" or "(a) … (b)") mark a multiple-choice question.
  const choices = Math.min(1, (ask.match(/(^|\s)\(?[A-Da-d][).:]\s/gm)?.length ?? 0) / 4);
  return [f.length, f.context, f.task, f.code, f.math, f.reasoning, f.constraints, f.multiStep, f.depth, f.simple, heuristic, logTokens, digits, choices];
}

/**
 * The full vector: the embedding scaled by √d (so its coordinates have roughly unit spread, like
 * the cheap features) followed by the cheap features. Without an embedding, only the cheap part.
 * `ask`: routingAsk(messages), when the caller has it already.
 */
export function routerVector(messages: ChatText[], embedding?: Float32Array | number[], ask: string = routingAsk(messages)): number[] {
  const cheap = cheapVector(messages, ask);
  if (!embedding) return cheap;
  const s = Math.sqrt(embedding.length);
  const out = new Array<number>(embedding.length + cheap.length);
  for (let i = 0; i < embedding.length; i++) out[i] = embedding[i]! * s;
  for (let i = 0; i < cheap.length; i++) out[embedding.length + i] = cheap[i]!;
  return out;
}
