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
 *   3. numbers (digits with their sign and vulgar fractions, number and ordinal words, versions, dates) must be identical as multisets;
 *   4. the number of negation cues ("not", "n't", "never", "no", "without", …) must be equal;
 *   5. every named entity / acronym of one prompt must occur in the other, and entities both
 *      prompts name must come in the same order ("flights from Paris to Rome" ≠ "… Rome to Paris");
 *   6. the interrogatives that ask for a different kind of answer (why / when / where / who) agree;
 *   7. content words (not function words, after light stemming; a one-letter typo is tolerated
 *      in long words) must be the same set on both sides.
 * The embedding decides whether two prompts are phrased alike; the guard decides they ask for
 * the same thing. Pure: no I/O.
 */
import { extractFeatures, isComparing, stem, type PromptFeatures, type WordSlot } from './lexical/features';
import { NEGATING_PREFIXES, OPPOSITE_PAIRS, SAME_MEANING_PARTICLES } from './lexical/lexicon';

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

/** Each word's opposites, by stem (both directions of every pair). */
const OPPOSITES: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const map = new Map<string, Set<string>>();
  const add = (x: string, y: string) => map.set(x, (map.get(x) ?? new Set()).add(y));
  for (const [x, y] of OPPOSITE_PAIRS) {
    add(stem(x), stem(y));
    add(stem(y), stem(x));
  }
  return map;
})();

/** "lock" / "unlock", "legal" / "illegal", "connect" / "disconnect": a negating prefix on a word of 4+ letters. */
function prefixNegates(word: string, other: string): boolean {
  return word.length >= 4 && NEGATING_PREFIXES.some((p) => other === p + word);
}

function areOpposites(x: string, y: string): boolean {
  return OPPOSITES.get(x)?.has(y) === true || prefixNegates(x, y) || prefixNegates(y, x);
}

/** "verb>x>y" (both orders) for each verb after which particles x and y ask the same. */
const SAME_AFTER_VERB: ReadonlySet<string> = new Set(SAME_MEANING_PARTICLES.flatMap(([verb, [x, y]]) => [`${stem(verb)}>${x}>${y}`, `${stem(verb)}>${y}>${x}`]));

/** "fill in" / "fill out the form": the same verb right before two particles that mean the same after it. */
function sameAfterVerb(a: readonly WordSlot[], i: number, b: readonly WordSlot[], j: number): boolean {
  const verb = a[i - 1]?.stem;
  return verb !== undefined && verb === b[j - 1]?.stem && SAME_AFTER_VERB.has(`${verb}>${a[i]!.stem}>${b[j]!.stem}`);
}

/**
 * Whether two words fill the same place: the same content word on one side of both (the start and
 * the end of the text count as one). Opposite content words ("increase my credit score" /
 * "decrease my credit score") look past function words to the nearest content word; opposite
 * particles ("turn on" / "turn off", "cost to the UK" / "from the UK") must have it right beside
 * them, since "to", "in" and "on" are mostly not directions ("need to know" / "from where").
 */
function sameSlot(a: readonly WordSlot[], i: number, b: readonly WordSlot[], j: number): boolean {
  const particle = !a[i]!.content || !b[j]!.content;
  const nearest = (s: readonly WordSlot[], k: number, step: 1 | -1): string | undefined => {
    for (let n = k + step; n >= 0 && n < s.length; n += step) {
      if (s[n]!.content) return s[n]!.stem;
      if (particle) return undefined;
    }
    return step < 0 ? '^' : '$';
  };
  const before = nearest(a, i, -1);
  const after = nearest(a, i, 1);
  return (before !== undefined && before === nearest(b, j, -1)) || (after !== undefined && after === nearest(b, j, 1));
}

/**
 * A word of one prompt whose opposite stands in its place in the other ("turn on" / "turn off",
 * "shipping cost to the UK" / "from the UK", "increase my limit" / "decrease my limit"), neither
 * prompt using both. Returns the two words.
 */
function oppositeSwap(fa: PromptFeatures, fb: PromptFeatures): [string, string] | undefined {
  const inA = new Set(fa.slots.map((w) => w.stem));
  const inB = new Set(fb.slots.map((w) => w.stem));
  for (const [i, x] of fa.slots.entries()) {
    if (inB.has(x.stem)) continue;
    for (const [j, y] of fb.slots.entries()) {
      if (inA.has(y.stem) || !areOpposites(x.stem, y.stem)) continue;
      if (sameSlot(fa.slots, i, fb.slots, j) && !sameAfterVerb(fa.slots, i, fb.slots, j)) return [x.word, y.word];
    }
  }
  return undefined;
}

/** Words that join a symmetric list: "rent or buy" and "buy or rent" ask the same. */
const COORDINATORS: ReadonlySet<string> = new Set(['and', 'or', 'nor', 'vs', 'versus']);
/** Words that join the two sides of a comparison ("compare X with Y", "X compares to Y"). */
const COMPARISON_LINKS: ReadonlySet<string> = new Set(['with', 'to', 'against', ...COORDINATORS]);

/** Whether the words between two swapped words make them the two sides of a comparison. */
function comparedSides(before: WordSlot | undefined, between: readonly WordSlot[]): boolean {
  if (!COMPARISON_LINKS.has(between[between.length - 1]?.word ?? '')) return false;
  if (between.length === 1) return isComparing(before?.stem);
  return between.length === 2 && isComparing(between[0]!.stem);
}

/** Where two content words change places and nothing else changes, or undefined. */
function swapOf(a: readonly WordSlot[], b: readonly WordSlot[]): [number, number] | undefined {
  if (a.length !== b.length) return undefined;
  const differ: number[] = [];
  for (let k = 0; k < a.length && differ.length <= 2; k++) if (a[k]!.stem !== b[k]!.stem) differ.push(k);
  if (differ.length !== 2) return undefined;
  const [i, j] = differ as [number, number];
  if (a[i]!.stem !== b[j]!.stem || a[j]!.stem !== b[i]!.stem || !a[i]!.content || !a[j]!.content) return undefined;
  return [i, j];
}

/**
 * A swap that asks the same either way round: a symmetric list ("rent or buy" / "buy or rent",
 * "X and Y") or the two sides of a comparison ("compare X with Y" / "compare Y with X").
 */
function sidesOnlySwapped(fa: PromptFeatures, fb: PromptFeatures): boolean {
  const swap = swapOf(fa.slots, fb.slots);
  if (swap === undefined) return false;
  const between = fa.slots.slice(swap[0] + 1, swap[1]);
  return (between.length > 0 && between.every((w) => COORDINATORS.has(w.word))) || comparedSides(fa.slots[swap[0] - 1], between);
}

/**
 * Two content words that change places and nothing else changes ("how many teaspoons are in a
 * tablespoon" / "tablespoons … in a teaspoon", "is a tomato a fruit" / "is a fruit a tomato"):
 * the same words, so the same bag-of-words features and nearly the same pooled vector. Returns the
 * two words, or undefined (also when only the sides of a list or comparison change places).
 */
function swappedWords(fa: PromptFeatures, fb: PromptFeatures): [string, string] | undefined {
  const swap = swapOf(fa.slots, fb.slots);
  if (swap === undefined || sidesOnlySwapped(fa, fb)) return undefined;
  return [fa.slots[swap[0]]!.word, fa.slots[swap[1]]!.word];
}

/** Why `a` and `b` must not share an answer, or undefined when the guard sees no reason. */
export function vetoReason(a: string, b: string): string | undefined {
  return vetoFromFeatures(extractFeatures(a), extractFeatures(b));
}

/**
 * The rules the learned judge keeps as hard vetoes: quoted text, code and identifiers, where one
 * character changes the request; a reversed direction ("celsius to fahrenheit" vs "fahrenheit
 * to celsius") and two words that change places, where the words are the same; and an opposite in
 * a word's place ("turn on" / "turn off"), which word-overlap features cannot tell from a synonym;
 * and a number's sign ("-40" / "40"), where only the number feature differs. A bag-of-words or pooled-vector score cannot see any of them.
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
  const opposite = oppositeSwap(fa, fb);
  if (opposite !== undefined) return `opposite words in the same place: ${show(opposite.slice(0, 1))} vs ${show(opposite.slice(1))}`;
  const swapped = swappedWords(fa, fb);
  if (swapped !== undefined) return `words swapped: ${show(swapped)} change places`;
  // The same numbers in another order ("2 to the power of 10" / "10 to the power of 2"): the judge's
  // number feature compares them as a set, so it cannot see this (measured P 0.65–0.78).
  // A reordered list ("500 and 1000" / "1000 and 500") is the same request.
  const reordered = (x: readonly string[], y: readonly string[]) => x.join(' ') !== y.join(' ');
  if (sameMultiset(fa.numbers, fb.numbers) && reordered(fa.numberOrder, fb.numberOrder) && reordered(fa.numberLists, fb.numberLists)) {
    return `numbers in another order: ${show(fa.numberOrder)} vs ${show(fb.numberOrder)}`;
  }
  // Only a sign differs ("-40 degrees" / "40 degrees"): words and n-grams alike, measured P 0.79.
  const unsigned = (x: readonly string[]) => x.map((n) => n.replace(/^-/, ''));
  if (!sameMultiset(fa.numbers, fb.numbers) && sameMultiset(unsigned(fa.numbers), unsigned(fb.numbers))) return `sign differs: ${show(fa.numbers)} vs ${show(fb.numbers)}`;
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
  // Names on the two sides of a comparison or list may change places, as on the judge's path.
  if (orderA.join('\u0000') !== orderB.join('\u0000') && !sidesOnlySwapped(fa, fb)) return `named entities in a different order: ${show(orderA)} vs ${show(orderB)}`;
  if (!sameMultiset(fa.questionWords, fb.questionWords)) return `question asks for something else: ${show(fa.questionWords)} vs ${show(fb.questionWords)}`;
  const onlyA = unmatchedWords(fa.content, fb.content);
  const onlyB = unmatchedWords(fb.content, fa.content);
  if (onlyA.length || onlyB.length) return `content words differ: ${show(onlyA)} vs ${show(onlyB)}`;
  return undefined;
}
