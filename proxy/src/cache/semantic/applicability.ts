/**
 * Text the embedder cannot judge: a sentence model trained on English prose says little about
 * non-English text (USE-lite scored unrelated non-English prompts as near-duplicates) or about long
 * code (one changed token in a function is one token among hundreds in a pooled vector). Such a
 * prompt never gets a semantic hit, with or without the judge; the exact cache still serves it.
 * Heuristics over the script, the notation and closed lists of function words, plus the English
 * word stems the shipped judge weights already carry; no vocabulary tuned to the evaluation data.
 */
import type { IdfTable } from './judge/features';
import useLiteV2 from './judge/weights-use-lite-v2.json';
import { stem } from './lexical/features';
import { FUNCTION_WORDS } from './lexical/lexicon';
import { OTHER_FUNCTION_WORDS } from './lexical/otherLanguages';
import { OPENAI_EMBEDDING_MODEL } from '../../tokens/models';

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
 * English word stems: those in 3 or more of the judge's 37,821 English training questions (QQP),
 * the IDF table its weights ship with. Words shorter than this are left out: the short ones it
 * holds ("die", "von", "son") are as often another language's function words.
 */
const MIN_VOCABULARY_WORD = 4;
let englishStems: ReadonlySet<string> | undefined;
function isEnglishVocabulary(word: string): boolean {
  englishStems ??= new Set(Object.keys((useLiteV2 as unknown as { idf: IdfTable }).idf.df));
  return word.length >= MIN_VOCABULARY_WORD && englishStems.has(stem(word));
}

/**
 * Embedders that read many languages, by model id, as their providers document them (2026-12-04):
 * OpenAI's, any named multilingual, LaBSE, bge-m3, gemini-embedding-* (Google's text-embedding-004/005
 * read English), Voyage's general-purpose voyage-3 on (not voyage-2, voyage-code-*), jina-embeddings-v3
 * on (v2 is English or bilingual), Qwen3-Embedding, Snowflake Arctic Embed 2.0 (-l-v2.0, -m-v2.0,
 * Ollama's snowflake-arctic-embed2; 1.x is English), Cohere embed-v4. Any other model is taken to
 * read English only: refusing a language it reads costs hits, serving one it does not serves
 * unrelated answers.
 */
const MULTILINGUAL_MODEL = /multilingual|labse|bge-m3|gemini-embedding|voyage-(?:[3-9]|\d\d)(?:[.-]|$)|jina-embeddings-v(?:[3-9]|\d\d)|qwen3-embedding|arctic-embed(?:2|-[lm]-v2)|(?:^|[/.])embed-v(?:[4-9]|\d\d)/i;

/** Whether the embedder reads English only (the one rule for the proxy, the judge's evaluation and the replays). */
export function readsOnlyEnglish(modelId: string): boolean {
  return !OPENAI_EMBEDDING_MODEL.test(modelId) && !MULTILINGUAL_MODEL.test(modelId);
}

/** Why the embedder cannot judge `text`'s content (long code, another language), or undefined when it can. */
export function contentReason(text: string, englishOnly: boolean): string | undefined {
  if (looksLikeLongCode(text)) return 'long code';
  if (englishOnly && !looksEnglish(text)) return 'not English';
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
 * accented letter counts for another language too, beside that language's function words or when
 * such words are half the prompt or more. So a prompt whose other-language words outnumber its
 * English function words is not English, accented or not, while an English question keeps its
 * hits when it borrows an accented word ("Is a café open on Sunday?", "Best jalapeño poppers").
 * A capitalised word inside a sentence is a name ("Los Angeles", "La Paz", "Zürich"), an
 * all-capitals one or one joined to a digit a code ("ES6", "es6"), and a lowercase word between
 * two capitalised ones part of a name ("Lago di Como"): none counts for another language.
 * A keyword query with no English function word ("linux su command", "dei policy examples",
 * "Python del statement") is still English when its English vocabulary words (4+ letters) outnumber
 * its other-language, accented and unknown words together, as in "Comment devenir plus en forme?"
 * (comment, forme / en, devenir) they do not.
 */
export function looksEnglish(input: string): boolean {
  // Composed: a combining accent (macOS, Vietnamese "tổ hợp" keyboards) is no letter, so "Mikä" read as "Mika".
  const raw = input.normalize('NFC');
  // In all capitals ("WIE SPÄT IST ES?") every word would pass for an acronym: such text is read in lowercase.
  const text = /\p{Ll}/u.test(raw) ? raw : raw.toLowerCase();
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return true;
  // Another script (Cyrillic, CJK, Arabic, …); Spanish opening punctuation.
  if ((text.match(LATIN_LETTER)?.length ?? 0) / letters < 0.9 || /[¿¡]/.test(text)) return false;
  let words = 0;
  let english = 0;
  let anyFunction = 0;
  let other = 0;
  let accented = 0;
  let known = 0;
  let unknown = 0;
  for (const m of text.matchAll(WORD)) {
    words += 1;
    const w = m[0].toLowerCase().replace('’', "'");
    if (FUNCTION_WORDS.has(w) || w === 'not' || w === 'no') {
      anyFunction += 1;
      if (!SHARED_WORDS.has(w)) english += 1;
    } else if (!isNameOrAcronym(text, m[0], m.index) && !isNameParticle(text, m[0], m.index)) {
      if (OTHER_FUNCTION_WORDS.has(w) || ELIDED.test(w)) other += 1;
      else if (NON_ASCII.test(w)) accented += 1;
      else if (isEnglishVocabulary(w)) known += 1;
      else unknown += 1;
    }
  }
  // Accented words alone: "Thơ về biển", "Mikä päivä on …" (half or more), not "Is a cliché always bad".
  const foreign = other + accented;
  if ((other > 0 || 2 * accented >= words) && foreign > english && known <= foreign + unknown) return false;
  if (words < 6) return true;
  // Latin-script text in a language with no listed function words: English prose is a tenth or
  // more function words, an English keyword query mostly English vocabulary words.
  return anyFunction / words >= 0.12 || known > foreign + unknown;
}

/**
 * "di" in "Lago di Como", "van" in "Vincent van Gogh": a lowercase word between two capitalised ones
 * is part of a name; so are short ones after a name ("Dia de los Muertos", "Mies van der Rohe"), but
 * not after a sentence's first word ("Was ist die Hauptstadt …" is German).
 */
function isNameParticle(text: string, word: string, index: number): boolean {
  if (word !== word.toLowerCase()) return false;
  const from = Math.max(0, index - 32);
  const before = /(\p{Lu}\p{L}*)((?:[ \t]+\p{Ll}{1,3})*)[ \t]+$/u.exec(text.slice(from, index));
  const after = /^((?:[ \t]+\p{Ll}{1,3})*)[ \t]+\p{Lu}/u.exec(text.slice(index + word.length, index + word.length + 16));
  if (!before || !after) return false;
  return (before[2] === '' && after[1] === '') || (word.length <= 3 && isNameOrAcronym(text, before[1]!, from + before.index));
}

/**
 * "La" in "… in La Paz", "Los" in "Los Angeles weather", "ES" in "ES6": a capital inside a
 * sentence, or before another capitalised word, or all capitals. Letters joined to a digit are a
 * version or product code whatever their case ("es6", "es2015", "ps5"), not a word of a language.
 */
function isNameOrAcronym(text: string, word: string, index: number): boolean {
  if (word.length > 1 && word === word.toUpperCase()) return true;
  if (/\p{N}/u.test(text[index - 1] ?? '') || /\p{N}/u.test(text[index + word.length] ?? '')) return true;
  if (word[0] === word[0]!.toLowerCase()) return false;
  if (/^[ \t]+\p{Lu}/u.test(text.slice(index + word.length, index + word.length + 8))) return true;
  let i = index - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i -= 1;
  return i >= 0 && !/[.!?:;"'“‘(\n]/.test(text[i]!);
}
