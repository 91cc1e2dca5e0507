/**
 * Text the embedder cannot judge: a sentence model trained on English prose says little about
 * non-English text (USE-lite scored unrelated non-English prompts as near-duplicates) or about long
 * code (one changed token in a function is one token among hundreds in a pooled vector). Such a
 * prompt never gets a semantic hit, with or without the judge; the exact cache still serves it.
 * Heuristics over the script, the notation and closed lists of function words, not vocabulary
 * tuned to any data.
 */
import { FUNCTION_WORDS } from './lexical/lexicon';
import { OTHER_FUNCTION_WORDS } from './lexical/otherLanguages';

/** Code longer than this (characters) is not judged by a sentence embedding. */
export const LONG_CODE_CHARS = 300;

const LETTER = /\p{L}/gu;
const NON_ASCII = /\P{ASCII}/u;
const LATIN_LETTER = /\p{Script=Latin}/gu;
const WORD = /\p{L}+(?:['’]\p{L}+)?/gu;
const CODE_SYMBOL = /[{}();=<>[\]]/g;
/** A French or Italian elided article or pronoun: "l'heure", "c'est", "qu'est", "dell'anno". */
const ELIDED = /^(?:[cdjlmnt]|qu|dell|nell|dall|sull|all)['’]/;
/**
 * English function words that are as common in another language ("a", "do" in Portuguese, "in",
 * "was", "will" in German, "is", "over" in Dutch): evidence for neither side.
 */
const SHARED_WORDS: ReadonlySet<string> = new Set(['a', 'as', 'do', 'in', 'is', 'no', 'me', 'was', 'will', 'also', 'over', 'per', 'plus']);

/**
 * Whether the embedder only reads English: every local model Tollgate ships or downloads does; an
 * upstream embedding API (OpenAI's) is multilingual.
 */
export function readsOnlyEnglish(backend: string): boolean {
  return backend !== 'upstream';
}

/** Why the embedder cannot judge `text`, or undefined when it can. `english`: the model is English-only. */
export function cannotJudgeReason(text: string, english = true): string | undefined {
  if (looksLikeLongCode(text)) return 'long code';
  if (english && !looksEnglish(text)) return 'not English';
  return undefined;
}

export function looksLikeLongCode(text: string): boolean {
  const fenced = /```[\s\S]{0,}?```/.exec(text);
  if (fenced && fenced[0].length >= LONG_CODE_CHARS / 3) return true;
  if (text.length < LONG_CODE_CHARS) return false;
  const symbols = text.match(CODE_SYMBOL)?.length ?? 0;
  const codeLines = text.split('\n').filter((l) => /[;{}]\s*$|^\s*(def|class|import|function|const|let|var|return|#include|public|private)\b/.test(l)).length;
  return symbols / text.length > 0.04 || codeLines >= 3;
}

/**
 * Function-word evidence: English prose is a tenth or more English function words, and a question
 * in Dutch, German, French, Italian, Spanish or Portuguese uses that language's ("Hoe laat is het?":
 * hoe, het; "Quelle heure est-il": quelle, est, il) and few or none of English's. A word with an
 * accented letter counts for another language too. So a prompt whose other-language words
 * outnumber its English function words is not English, accented or not, while an English question
 * keeps its hits when it borrows an accented word ("Is a café open on Sunday?": on vs café, a tie).
 * A capitalised word inside a sentence is a name ("Los Angeles", "La Paz", "Zürich") and an
 * all-capitals one an acronym ("ES6"): neither counts for another language.
 */
export function looksEnglish(text: string): boolean {
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return true;
  // Another script (Cyrillic, CJK, Arabic, …); Spanish opening punctuation.
  if ((text.match(LATIN_LETTER)?.length ?? 0) / letters < 0.9 || /[¿¡]/.test(text)) return false;
  let words = 0;
  let english = 0;
  let anyFunction = 0;
  let other = 0;
  for (const m of text.matchAll(WORD)) {
    words += 1;
    const w = m[0].toLowerCase().replace('’', "'");
    if (FUNCTION_WORDS.has(w) || w === 'not' || w === 'no') {
      anyFunction += 1;
      if (!SHARED_WORDS.has(w)) english += 1;
    } else if ((OTHER_FUNCTION_WORDS.has(w) || ELIDED.test(w) || NON_ASCII.test(w)) && !isNameOrAcronym(text, m[0], m.index)) {
      other += 1;
    }
  }
  if (other > english) return false;
  if (words < 6) return true;
  // Latin-script text in a language with no listed function words: English prose is a tenth or
  // more function words.
  return anyFunction / words >= 0.12;
}

/**
 * "La" in "… in La Paz", "Los" in "Los Angeles weather", "ES" in "ES6": a capital inside a
 * sentence, or before another capitalised word, or all capitals.
 */
function isNameOrAcronym(text: string, word: string, index: number): boolean {
  if (word.length > 1 && word === word.toUpperCase()) return true;
  if (word[0] === word[0]!.toLowerCase()) return false;
  if (/^[ \t]+\p{Lu}/u.test(text.slice(index + word.length, index + word.length + 8))) return true;
  let i = index - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i -= 1;
  return i >= 0 && !/[.!?:;"'“‘(\n]/.test(text[i]!);
}
