/** What every prompt rule gets, and the finding shape rules return before severities apply. */
import { countTextTokens } from '../../tokens/count';
import type { PieceCounter } from '../cost/piece-counter';
import type { PromptDocument, PromptSection } from '../prompt/document';
import type { LineIndex } from '../text/line-index';
import type { AnalysisInput, AnalysisSettings, Finding, QuickFix, Range } from '../types';

export type RuleFinding = Omit<Finding, 'severity'>;

export interface PromptRuleContext {
  path: string;
  text: string;
  lines: LineIndex;
  doc: PromptDocument;
  model: string;
  /** false when the model's tokenizer is not public (counts are estimates). */
  exact: boolean;
  settings: AnalysisSettings;
  /** Other always-on instruction files, for cross-file duplicates. */
  related: AnalysisInput[];
  /** Counts at ctx.model shared by every rule of one analysis (each distinct piece is encoded once). */
  counter?: PieceCounter;
}

export function tokens(ctx: { model: string; counter?: PieceCounter | undefined }, text: string): number {
  return ctx.counter ? ctx.counter.count(text) : countTextTokens(text, ctx.model).tokens;
}

/**
 * Tokens saved by replacing text[start, end) with newText, measured on the surrounding lines only
 * (the tokenizer splits at line breaks, so lines further away tokenise the same either way).
 */
export function localSaving(ctx: { model: string; counter?: PieceCounter | undefined }, text: string, start: number, end: number, newText: string): number {
  const prevLine = text.lastIndexOf('\n', Math.max(0, text.lastIndexOf('\n', start - 1) - 1));
  const a = prevLine < 0 ? 0 : prevLine + 1;
  const nextNl = text.indexOf('\n', end);
  const afterNext = nextNl < 0 ? -1 : text.indexOf('\n', nextNl + 1);
  const b = afterNext < 0 ? text.length : afterNext;
  const window = text.slice(a, b);
  const replaced = text.slice(a, start) + newText + text.slice(end, b);
  return tokens(ctx, window) - tokens(ctx, replaced);
}

export function sectionRange(ctx: PromptRuleContext, s: PromptSection, a: number, b: number): Range {
  return ctx.lines.range(s.map.toFile(a), b > a ? s.map.toFile(b - 1) + 1 : s.map.toFile(a));
}

/**
 * A fix that replaces section text [a, b) — only when that text is a verbatim copy of the file, or
 * when it deletes whole lines the file holds one per line (a line of a YAML `|` block goes with its
 * indentation, so the next line keeps the block's indentation and the YAML still reads the same).
 */
export function replaceFix(ctx: PromptRuleContext, s: PromptSection, a: number, b: number, newText: string, title: string): QuickFix[] {
  if (s.map.verbatim(a, b)) return [{ title, edits: [{ range: sectionRange(ctx, s, a, b), newText }] }];
  const lines = newText === '' ? s.map.lineDeletion(a, b) : undefined;
  return lines ? [{ title, edits: [{ range: ctx.lines.range(lines[0], lines[1]), newText }] }] : [];
}
