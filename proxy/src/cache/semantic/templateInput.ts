/**
 * A fixed instruction applied to a variable input — "Extract the invoice total from: <text>",
 * "Is this review positive? <review>", "Use the context.\n\nContext: … Question: …", or the input
 * first and the instruction after it ("<text>\n\nSummarise the above."). The answer is a function
 * of the input, but the instruction's words dominate the pooled vector and the judge's overlap
 * features, so two different inputs under one instruction read as paraphrases (measured P(same)
 * 0.6–0.92: "…: Where is the train station?" / "…: Where is the bus station?", "…: The battery life
 * is excellent …" / "… terrible …", "Great location, terrible breakfast" / "Great breakfast,
 * terrible location"). When both prompts have that shape, their inputs must pass the lexical guard
 * on their own (same content words, numbers, entities, negation, quoted text, code) and name their
 * content words in the same order (the input is data: its word order is part of it), whatever the
 * score of the whole. Both the judge and the threshold + guard path apply it (the guard alone
 * needs the whole prompts' content words to agree as a set, not the input's word order). Pure.
 */
import { vetoReason } from './guard';
import { extractFeatures } from './lexical/features';

/**
 * A prompt split at its first instruction boundary: a colon followed by whitespace (not "10:30"
 * or "https:"), a question mark followed by more text, or a line break — whichever comes first.
 * Undefined when there is none, or nothing that carries meaning on one side of it.
 */
export function splitInstruction(text: string): { head: string; tail: string; atLineBreak: boolean } | undefined {
  const trimmed = text.trim();
  const m = /:\s|\?\s|\n/.exec(trimmed);
  if (!m) return undefined;
  const head = trimmed.slice(0, m.index + (m[0].startsWith('?') ? 1 : 0)).trim();
  const tail = trimmed.slice(m.index + m[0].length).trim();
  if (!/[\p{L}\p{N}]/u.test(head) || !/[\p{L}\p{N}]/u.test(tail)) return undefined;
  return { head, tail, atLineBreak: m[0] === '\n' };
}

function normalised(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ');
}

/** Why two instruction + input prompts must not share an answer (their inputs differ), or undefined. */
export function templateInputVeto(a: string, b: string): string | undefined {
  const sa = splitInstruction(a);
  const sb = splitInstruction(b);
  if (sa === undefined || sb === undefined) return undefined;
  // The input normally follows the instruction. It comes first only when both prompts end with the
  // same line after a line break ("<text>\n\nSummarise the above."); a same tail after a re-worded
  // instruction ("Extract the total from: X" / "… from this text: X") is the same input.
  const sameTail = normalised(sa.tail) === normalised(sb.tail);
  const inputFirst = sameTail && sa.atLineBreak && sb.atLineBreak;
  if (sameTail && !inputFirst) return undefined;
  const [ia, ib] = inputFirst ? [sa.head, sb.head] : [sa.tail, sb.tail];
  if (normalised(ia) === normalised(ib)) return undefined;
  const why = vetoReason(ia, ib);
  if (why !== undefined) return `the instruction's input differs: ${why}`;
  const order = (s: string) => extractFeatures(s).content.join(' ');
  if (order(ia) !== order(ib)) return "the instruction's input differs: same words in another order";
  return undefined;
}
