/**
 * The meaning-bearing surface features of a prompt that sentence embeddings blur: quoted text,
 * code identifiers, numbers, negations, named entities and content words. Pure.
 */
import { COMPARING_VERBS, DISTINCT_QUESTION_WORDS, FUNCTION_WORDS, NEGATION_WORDS, NUMBER_WORDS } from './lexicon';

export interface PromptFeatures {
  /** Text inside quotes, backticks or code fences, whitespace-collapsed (compared exactly). */
  quoted: string[];
  /** Code-like tokens: dotted/slashed paths, snake_case, camelCase, calls, letter+digit mixes. */
  identifiers: string[];
  /** Numbers and number words, normalised ("five" → "5", "1,000" → "1000", "07" → "7"), sorted. */
  numbers: string[];
  /** The same numbers in the order the text gives them ("2 to the power of 10": 2, 10). */
  numberOrder: string[];
  /** numberOrder with each list joined by "and"/"or"/commas sorted ("1000 and 500" = "500 and 1000"). */
  numberLists: string[];
  /** How many negation cues ("not", "n't", "never", "without", …). */
  negations: number;
  /** Proper nouns and acronyms, as lower-cased stems in order of appearance ("Python", "PC", "iPhone"). */
  entities: string[];
  /** Interrogatives asking for a reason, time, place or person ("why", "when", "where", "who"). */
  questionWords: string[];
  /** Stems of content words (everything that is not a function word, number or negation). */
  content: string[];
  /** Lower-cased stems of every word, used to see whether an entity appears in any form. */
  allStems: ReadonlySet<string>;
  /** Lower-cased stems of every word, in order (for the relative order of entities). */
  stemSequence: string[];
  /**
   * Directed pairs "x>y" of content stems joined by "to" / "into" ("celsius to fahrenheit",
   * "english into spanish"): the direction of a conversion, translation or route, which a bag of
   * words and a pooled vector cannot see.
   */
  directions: string[];
  /**
   * Operator and bracket characters of short inline code ("print(i)" vs "print(i * i)", "a > 0" vs
   * "a < 0"), sorted; empty unless the text reads as code (a call or index written without a space,
   * or an operator). Quoted text, URLs and paths are compared elsewhere and not counted here.
   */
  codeSymbols: string[];
  /**
   * Every word in order, articles left out (a/an/the), with its stem and whether it is a content
   * word: what stands in the same place in two prompts (guard.ts: opposites, swapped words).
   */
  slots: WordSlot[];
}

export interface WordSlot {
  word: string;
  stem: string;
  content: boolean;
}

const DIRECTION_MARKERS: ReadonlySet<string> = new Set(['to', 'into']);
const ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);

/**
 * "x>y" for each content word x directly before "to"/"into" and the next content word y after it;
 * not the two sides of a comparison ("compare Python to Java" asks what "… Java to Python" does).
 */
function directedPairs(words: readonly { lower: string; stem: string; content: boolean }[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < words.length - 1; i++) {
    const before = words[i - 1];
    if (!before?.content || !DIRECTION_MARKERS.has(words[i]?.lower ?? '') || isComparing(words[i - 2]?.stem)) continue;
    let j = i + 1;
    while (ARTICLES.has(words[j]?.lower ?? '')) j++;
    const after = words[j];
    if (after?.content && after.stem !== before.stem) out.push(`${before.stem}>${after.stem}`);
  }
  return out;
}

const QUOTED = /```[\s\S]*?```|`[^`\n]+`|"[^"\n]+"|“[^”\n]+”|«[^»\n]+»|(?<=^|[\s(\[:])'[^'\n]+'(?=$|[\s).,;:!?\]])/g;
// URLs, e-mail addresses, and paths that look like paths (rooted, two or more slashes, or a file
// extension) — "and/or" and "funniest/weirdest" are words, not paths.
const URL_OR_PATH =
  /\b[a-z][a-z0-9+.-]*:\/\/\S+|\S+@\S+\.\w+|(?<![\w.])(?:~|\.{1,2})?\/[\w.-]+(?:\/[\w.-]+)*|[\w.-]+(?:\/[\w.-]+){2,}|[\w.-]+\/[\w-]+\.\w{1,5}\b/gi;
// Programming-language names and operators written with symbols: C++, C#, F#, .NET, &&, ->, !=, ++.
const SYMBOLIC = /\b[A-Za-z]\+\+|\b[A-Za-z]#|(?<![\w.])\.NET\b|[&|=!<>+*\/%^~-]{2,}|(?<=\s|^)[|^~%](?=\s|$)/g;
const IDENT =
  /[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+(?:\(\))?|[A-Za-z_$][\w$]*\(\)|\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z0-9]*\b|\b(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*\b|\.[a-z]{1,5}\b/g;
// A sign (not after a word or bracket: "COVID-19", "10-5") is part of the number: "-40" / "40 degrees" differ.
const NUMBER = /(?<![\p{L}\d.])(?:(?<![\w)\]])[-−])?\d[\d,]*(?:[./:-]\d+)*(?:st|nd|rd|th|s)?(?![\p{L}\d])/gu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

// Code context: a call / index / block opened right after a name ("f(", "a[", "x{"), or an operator
// character prose rarely uses ("=", "<", ">", "*", "|", "^"). Not "&" ("500 & 1000" is "and"),
// "%" ("20% off" = "20 percent off"), "~" ("~5 min") nor "\\" (escapes and LaTeX in pasted text).
const CODE_CONTEXT = /[\w\])][([{]|[=<>*|^]/;
const CODE_SYMBOL = /[()[\]{}<>=+*%|^~-]/g;

function codeSymbolsOf(text: string): string[] {
  const rest = text.replace(/^[ \t]*[*+•-](?=[ \t])/gm, ''); // a list's bullets ("* rice", "- beans") are not operators
  if (!CODE_CONTEXT.test(rest)) return [];
  // A hyphen between letters is a compound word ("follow-up"), not a minus.
  return (rest.replace(/(?<=\p{L})-(?=\p{L})/gu, ' ').match(CODE_SYMBOL) ?? []).sort();
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function normaliseNumber(raw: string): string {
  let s = raw.toLowerCase().replace('−', '-');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?(st|nd|rd|th)?$/.test(s)) s = s.replace(/,/g, '');
  // Leading zeros carry no meaning ("07" = "7"), except inside dotted versions where they are kept as written.
  if (!s.includes('.')) s = s.replace(/^0+(?=\d)/, '');
  return s;
}

/** Light English stemmer: enough to match plural/verb forms ("refunds" ~ "refund", "charged" ~ "charge"). */
const COMPARING: ReadonlySet<string> = new Set(COMPARING_VERBS.map((v) => stem(v)));

/** Whether a stem is a verb whose two sides may change places ("compare", "contrast"). */
export function isComparing(wordStem: string | undefined): boolean {
  return wordStem !== undefined && COMPARING.has(wordStem);
}

export function stem(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'").replace(/'s$/, '');
  if (w.length > 4 && /ie[sd]$/.test(w)) w = `${w.slice(0, -3)}i`;
  else if (w.length > 4 && /(ss|sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  if (w.length > 3 && /([bcdfgklmnprstvz])\1$/.test(w)) w = w.slice(0, -1);
  // Terminal y and i are one stem ("easy"/"easily", "movie"/"movies", "fry"/"fried").
  if (w.length > 2 && w.endsWith('y')) w = `${w.slice(0, -1)}i`;
  return w;
}

/**
 * Numbers in text order (`placed` is sorted by offset), except that a list joined only by
 * "and"/"or"/commas ("500 and 1000 rupee notes" / "1000 and 500") reads the same either way: its
 * members are sorted.
 */
function numbersInOrder(placed: Array<[number, number, string]>, text: string): string[] {
  const out: string[] = [];
  let list: string[] = [];
  let end = -1;
  for (const [at, length, value] of placed) {
    if (end >= 0 && !/^[\s,&/]*(?:and|or)?[\s,]*$/i.test(text.slice(end, at))) {
      out.push(...list.sort());
      list = [];
    }
    list.push(value);
    end = at + length;
  }
  return out.concat(list.sort());
}

function isNegation(lower: string): boolean {
  return NEGATION_WORDS.has(lower) || /n['’]t$/.test(lower);
}

/** One spelling for forms typed interchangeably: full-width ASCII of CJK input methods ("ＡＢＣ１２３"), vulgar fractions ("3½" = "3 1/2"). */
export function foldForms(text: string): string {
  return text.replace(/[！-～]/g, (c) => c.normalize('NFKC')).replace(/(?<=\d)(?=[¼-¾⅐-⅞])/g, ' ').replace(/[¼-¾⅐-⅞⁄]/g, (c) => c.normalize('NFKC').replace('⁄', '/'));
}

export function extractFeatures(text: string): PromptFeatures {
  const quoted: string[] = [];
  let rest = foldForms(text).replace(QUOTED, (m) => {
    quoted.push(collapse(m.replace(/^(```\w*|[`"“«']+)|([`"”»']+|```)$/g, '')));
    return ' ';
  });

  const identifiers: string[] = [];
  rest = rest.replace(URL_OR_PATH, (m) => {
    identifiers.push(m.replace(/[.,;:!?)]+$/, ''));
    return ' ';
  });
  const codeSymbols = codeSymbolsOf(rest);
  rest = rest.replace(SYMBOLIC, (m) => {
    if (/^-+$/.test(m)) return m; // a dash used as punctuation
    identifiers.push(m);
    return ' ';
  });
  rest = rest.replace(IDENT, (m) => {
    identifiers.push(m);
    return ' ';
  });

  // Dashes opening two or more lines are a list's bullets ("-5 apples"), unless another line opens with a bare number.
  if ((rest.match(/^[ \t]*[-−]/gm)?.length ?? 0) >= 2 && !/^[ \t]*\d/m.test(rest)) rest = rest.replace(/^([ \t]*)[-−]/gm, '$1 ');
  const numbers: string[] = [];
  // Where each number stands, to put digits and number words back in text order.
  const placed: Array<[number, number, string]> = [];
  rest = rest.replace(NUMBER, (m, at: number) => {
    numbers.push(normaliseNumber(m));
    placed.push([at, m.length, normaliseNumber(m)]);
    // Same length, so later offsets (number words below) still count in the same text.
    return ' '.repeat(m.length);
  });

  const words = rest.match(WORD) ?? [];
  const letterWords = words.filter((w) => /\p{L}/u.test(w));
  // Shouted text ("HOW DO I …") says nothing about proper nouns.
  const shouting = letterWords.length >= 3 && letterWords.filter((w) => w.length > 1 && w === w.toUpperCase()).length / letterWords.length > 0.5;

  const entities: string[] = [];
  const questionWords: string[] = [];
  const content: string[] = [];
  const stemSequence: string[] = [];
  const sequence: { lower: string; stem: string; content: boolean }[] = [];
  let negations = 0;
  const re = new RegExp(WORD.source, 'gu');
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const word = m[0];
    const lower = word.toLowerCase().replace(/’/g, "'");
    stemSequence.push(stem(lower));
    const entry = { lower, stem: stem(lower), content: false };
    sequence.push(entry);
    if (isNegation(lower)) {
      negations++;
      continue;
    }
    const num = NUMBER_WORDS.get(lower);
    if (num !== undefined) {
      numbers.push(num);
      placed.push([m.index, word.length, num]);
      continue;
    }
    if (!shouting && /\p{Lu}/u.test(word) && lower !== 'i' && !lower.startsWith("i'")) {
      const before = rest.slice(0, m.index).trimEnd();
      const sentenceStart = before === '' || /[.!?:;\n]$/.test(before) || /[.!?]["')\]]$/.test(before);
      const acronym = word.length > 1 && word === word.toUpperCase();
      const innerCaps = /\p{Ll}\p{Lu}/u.test(word);
      if (acronym || innerCaps || !sentenceStart) entities.push(stem(lower));
    }
    if (DISTINCT_QUESTION_WORDS.has(lower)) questionWords.push(lower);
    if (FUNCTION_WORDS.has(lower) || !/\p{L}/u.test(word)) continue;
    content.push(stem(lower));
    entry.content = true;
  }

  // A one-word identifier ("iPhone", "JavaScript") is also a word: the other prompt may write it plainly.
  for (const id of identifiers) {
    if (/^\p{L}+$/u.test(id)) {
      content.push(stem(id));
      stemSequence.push(stem(id));
    }
  }
  const slots = sequence.filter((w) => !ARTICLES.has(w.lower)).map((w) => ({ word: w.lower, stem: w.stem, content: w.content }));
  placed.sort((x, y) => x[0] - y[0]);
  const numberOrder = placed.map(([, , n]) => n);
  const numberLists = numbersInOrder(placed, rest);
  return { quoted, identifiers, numbers: numbers.sort(), numberOrder, numberLists, negations, entities, questionWords: [...new Set(questionWords)].sort(), content, allStems: new Set(stemSequence), stemSequence, directions: directedPairs(sequence), codeSymbols, slots };
}
