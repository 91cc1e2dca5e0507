/**
 * Text the embedder cannot judge: a sentence model trained on English prose says little about
 * non-English text (USE-lite scored unrelated non-English prompts as near-duplicates) or about long
 * code (one changed token in a function is one token among hundreds in a pooled vector). Such a
 * prompt never gets a semantic hit; the exact cache still serves it. Pure heuristics over the
 * script and notation, not vocabulary lists tuned to any data.
 */
import { FUNCTION_WORDS } from '../lexical/lexicon';

/** Code longer than this (characters) is not judged by a sentence embedding. */
export const LONG_CODE_CHARS = 300;

const LETTER = /\p{L}/gu;
const ASCII_LETTER = /[A-Za-z]/g;
const WORD = /\p{L}+(?:['’]\p{L}+)?/gu;
const CODE_SYMBOL = /[{}();=<>\[\]]/g;

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

export function looksEnglish(text: string): boolean {
  const letters = text.match(LETTER)?.length ?? 0;
  if (letters === 0) return true;
  const ascii = text.match(ASCII_LETTER)?.length ?? 0;
  // Another script (Cyrillic, CJK, Arabic, …) or heavy diacritics.
  if (ascii / letters < 0.9) return false;
  const words = (text.match(WORD) ?? []).map((w) => w.toLowerCase());
  // A short prompt has too few words for the share below, and German or Portuguese questions share
  // "in", "a", "do" with English ("Qual é a capital do Brasil?"): there an accented letter or
  // Spanish opening punctuation marks another language. English loanwords ("café") lose only
  // their semantic hits.
  if (words.length < 12 && (ascii < letters || /[¿¡]/.test(text))) return false;
  if (words.length < 6) return true;
  // Latin-script text in another language: English prose is a third or more function words.
  const fn = words.filter((w) => FUNCTION_WORDS.has(w) || w === 'not' || w === 'no').length;
  return fn / words.length >= 0.12;
}
