/**
 * The false-hit guard: a lexical veto over semantic hits.
 *
 * Sentence embeddings score "is X allowed?" / "is X not allowed?" or "top 5" / "top 50" as
 * near-identical, because a single token barely moves a pooled vector. A false hit is worse than
 * a miss, so a hit is vetoed — whatever its similarity — when the two prompts disagree on any
 * feature that carries meaning on its own (rules in docs/semantic-cache.md):
 *   1. quoted text, backticks and code blocks must be identical;
 *   2. code identifiers, symbols (C++, C#, &&), paths, URLs and letter+digit tokens ("gpt4", "v2")
 *      must be the same (ignoring case; "iPhone" on one side may be "iphone" as a word on the other);
 *   3. numbers (digits, number and ordinal words, versions, dates) must be identical as multisets;
 *   4. the number of negation cues ("not", "n't", "never", "no", "without", …) must be equal;
 *   5. every named entity / acronym of one prompt must occur in the other, and entities both
 *      prompts name must come in the same order ("flights from Paris to Rome" ≠ "… Rome to Paris");
 *   6. the interrogatives that ask for a different kind of answer (why / when / where / who) agree;
 *   7. content words (not function words, after light stemming; a one-letter typo is tolerated
 *      in long words) must be the same set on both sides.
 * The embedding decides whether two prompts are phrased alike; the guard decides they ask for
 * the same thing. Pure: no I/O.
 */
import { extractFeatures, stem, type PromptFeatures } from './lexical/features';

export function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

function show(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.map((v) => JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}…` : v)).join(', ');
}

/** Damerau-free edit distance ≤ 1 (one substitution, insertion or deletion): a typo. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    // A transposition of neighbours is also one typo ("recieve").
    if (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)) return true;
    return a.slice(i + 1) === b.slice(i + 1);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Content words of `from` with no counterpart in `to` (same stem, or a typo of a long word). */
function unmatchedWords(from: readonly string[], to: readonly string[]): string[] {
  const target = new Set(to);
  const out = new Set<string>();
  for (const w of from) {
    if (target.has(w)) continue;
    if (w.length >= 5 && to.some((t) => t.length >= 5 && withinOneEdit(w, t))) continue;
    out.add(w);
  }
  return [...out];
}

/** Identifiers of `from` with no counterpart in `to`, ignoring case, or written as a plain word there. */
function unmatchedIdentifiers(from: PromptFeatures, to: PromptFeatures): string[] {
  const target = new Set(to.identifiers.map((i) => i.toLowerCase()));
  return from.identifiers.filter((i) => !target.has(i.toLowerCase()) && !to.allStems.has(stem(i)));
}

/** Entities both prompts mention (in any case), in the order each prompt mentions them. */
function sharedEntityOrder(fa: PromptFeatures, fb: PromptFeatures): [string[], string[]] {
  const shared = [...new Set([...fa.entities, ...fb.entities])].filter((e) => fa.allStems.has(e) && fb.allStems.has(e));
  const order = (f: PromptFeatures) => [...shared].sort((x, y) => f.stemSequence.indexOf(x) - f.stemSequence.indexOf(y));
  return [order(fa), order(fb)];
}

/** A direction of `from` ("celsius>fahrenheit") that `to` reverses and does not also state. */
function reversedDirection(from: PromptFeatures, to: PromptFeatures): string | undefined {
  const other = new Set(to.directions);
  for (const d of from.directions) {
    const [x, y] = d.split('>');
    if (other.has(`${y}>${x}`) && !other.has(d)) return `${x} to ${y}`;
  }
  return undefined;
}

/** Why `a` and `b` must not share an answer, or undefined when the guard sees no reason. */
export function vetoReason(a: string, b: string): string | undefined {
  return vetoFromFeatures(extractFeatures(a), extractFeatures(b));
}

/**
 * The rules the learned judge keeps as hard vetoes: quoted text, code and identifiers, where one
 * character changes the request, and a reversed direction ("celsius to fahrenheit" vs "fahrenheit
 * to celsius"), where the words are the same: a bag-of-words or pooled-vector score cannot see them.
 */
export function blindSpotVeto(fa: PromptFeatures, fb: PromptFeatures): string | undefined {
  if (!sameMultiset(fa.quoted, fb.quoted)) return `quoted text differs: ${show(fa.quoted)} vs ${show(fb.quoted)}`;
  const idA = unmatchedIdentifiers(fa, fb);
  const idB = unmatchedIdentifiers(fb, fa);
  if (idA.length || idB.length) return `identifiers differ: ${show(idA)} vs ${show(idB)}`;
  // One operator or bracket changes what short code does; a pooled vector and word features do not see it.
  if (!sameMultiset(fa.codeSymbols, fb.codeSymbols)) return `code differs: ${show(fa.codeSymbols)} vs ${show(fb.codeSymbols)}`;
  const reversed = reversedDirection(fa, fb);
  if (reversed !== undefined) return `direction reversed: ${JSON.stringify(reversed)} in one prompt, the other way in the other`;
  return undefined;
}

export function vetoFromFeatures(fa: PromptFeatures, fb: PromptFeatures): string | undefined {
  const blind = blindSpotVeto(fa, fb);
  if (blind !== undefined) return blind;
  if (!sameMultiset(fa.numbers, fb.numbers)) return `numbers differ: ${show(fa.numbers)} vs ${show(fb.numbers)}`;
  if (fa.negations !== fb.negations) return `negation differs: ${fa.negations} vs ${fb.negations} negation cue(s)`;
  const entA = fa.entities.filter((e) => !fb.allStems.has(e));
  const entB = fb.entities.filter((e) => !fa.allStems.has(e));
  if (entA.length || entB.length) return `named entities differ: ${show(entA)} vs ${show(entB)}`;
  const [orderA, orderB] = sharedEntityOrder(fa, fb);
  if (orderA.join('\u0000') !== orderB.join('\u0000')) return `named entities in a different order: ${show(orderA)} vs ${show(orderB)}`;
  if (!sameMultiset(fa.questionWords, fb.questionWords)) return `question asks for something else: ${show(fa.questionWords)} vs ${show(fb.questionWords)}`;
  const onlyA = unmatchedWords(fa.content, fb.content);
  const onlyB = unmatchedWords(fb.content, fa.content);
  if (onlyA.length || onlyB.length) return `content words differ: ${show(onlyA)} vs ${show(onlyB)}`;
  return undefined;
}
