/**
 * Rule 3: the same paragraph or sentence twice in a prompt, and the same paragraph in several
 * always-on instruction files (all of them are sent with every request).
 */
import { saving } from '../cost/savings';
import { isInstructionKind } from '../prompt/detect';
import { splitFrontMatter } from '../prompt/frontmatter';
import type { PromptSection } from '../prompt/document';
import { alternativeBranches } from '../text/branches';
import { inFence } from '../text/fences';
import { codeRanges } from '../text/indented-code';
import { normalise, paragraphs, sentences, wordCount, type Segment } from '../text/segments';
import { localSaving, replaceFix, sectionRange, tokens, type PromptRuleContext, type RuleFinding } from './context';
import { inlineExampleSpans } from './prompt-content';

const MIN_PARAGRAPH_WORDS = 6;
const MIN_SENTENCE_WORDS = 6;

function baseName(p: string): string {
  const n = p.replace(/\\/g, '/');
  return n.slice(n.lastIndexOf('/') + 1);
}

/** Range to delete so that a paragraph and one adjoining separator disappear. */
function paragraphRemoval(all: Segment[], i: number): [number, number] {
  const p = all[i]!;
  const next = all[i + 1];
  if (next) return [p.start, next.start];
  const prev = all[i - 1];
  return prev ? [prev.end, p.end] : [p.start, p.end];
}

function sentenceRemoval(s: PromptSection, seg: Segment): [number, number] {
  let b = seg.end;
  while (b < s.text.length && (s.text[b] === ' ' || s.text[b] === '\t')) b++;
  if (b < s.text.length && s.text[b] !== '\n') return [seg.start, b];
  // Last on its line: the space before it goes too, so no trailing whitespace is left.
  let a = seg.start;
  while (a > 0 && (s.text[a - 1] === ' ' || s.text[a - 1] === '\t')) a--;
  return [a, b];
}

const BULLET = /^([-*+]|\d+[.)])\s+/;

/** The line [start, lineEnd) of `text` with its line break (or, on the last line, the one before it). */
function lineRemoval(text: string, start: number, lineEnd: number): [number, number] {
  const removeEnd = lineEnd < text.length && text[lineEnd] === '\n' ? lineEnd + 1 : lineEnd;
  return [removeEnd === lineEnd && start > 0 ? start - 1 : start, removeEnd];
}

/** A repeated line shorter than a sentence rule would catch, but still a verbatim copy (a list item). */
const MIN_LINE_WORDS = 4;

/** A line of instructions worth flagging when repeated: prose or a list item, not table rows, headings or key: value data. */
function isProseLine(line: string): boolean {
  if (/^(\||#|>|<)/.test(line) || /^[-*+]?\s*\*\*[^*]+\*\*:?\s*\S{0,20}$/.test(line)) return false;
  const text = line.replace(/^([-*+]|\d+[.)])\s+/, '');
  const latin = text.match(/[A-Za-z][a-z']+/g)?.length ?? 0;
  // Words of other scripts (Arabic, Cyrillic, Chinese…) count too; Latin letters were counted above.
  return latin + wordCount(text.replace(/[A-Za-z0-9_\s\p{P}\p{S}]+/gu, ' ')) >= MIN_LINE_WORDS && !/[{};]\s*$/.test(line);
}

function lineOf(ctx: PromptRuleContext, s: PromptSection, offset: number): number {
  return ctx.lines.positionAt(s.map.toFile(offset)).line + 1;
}

/**
 * A duplicate-text finding on `range` of the section, whose fix deletes `removal`; the saving is
 * what that deletion saves, measured on the prompt text around it (the copy counted on its own
 * tokenises differently from the copy in its line, so the claim drifted from the fix's real saving).
 */
function repeated(ctx: PromptRuleContext, s: PromptSection, what: 'paragraph' | 'sentence' | 'line', priorLine: number, range: [number, number], removal: [number, number]): RuleFinding {
  const sv = saving(ctx.model, localSaving(ctx, s.text, removal[0], removal[1], ''), 'input', !ctx.exact);
  return {
    ruleId: 'duplicate-text',
    message: `This ${what} repeats line ${priorLine}; removing it saves ${sv.text}.`,
    range: sectionRange(ctx, s, range[0], range[1]),
    tokensSaved: sv.tokensSaved,
    ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
    fixes: replaceFix(ctx, s, removal[0], removal[1], '', `Remove the repeated ${what}`),
  };
}

export function duplicateFindings(ctx: PromptRuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  // promptfoo's `prompts:` are alternatives, each sent on its own: text shared between them is
  // not repeated within any one request, so each prompt is checked separately.
  const separate = ctx.doc.kind === 'promptfoo';
  let seenParagraphs = new Map<string, { section: number; seg: Segment }>();
  let seenSentences = new Map<string, { section: number; seg: Segment }>();
  let seenLines = new Map<string, { section: number; start: number }>();
  const reported = new Set<number>();
  // Few-shot examples repeat their frame on purpose (the same question over different documents, the
  // same "Answer with one word" in each): a line in two examples is the pattern the model copies,
  // and removing it from one breaks that example.
  const examples = ctx.doc.sections.map((s) => (s.example ? [[0, s.text.length] as [number, number]] : inlineExampleSpans(s.text)));
  const bothExamples = (priorSection: number, priorStart: number, si: number, start: number) =>
    inFence(examples[priorSection]!, priorStart) && inFence(examples[si]!, start);
  ctx.doc.sections.forEach((s, si) => {
    if (separate) {
      seenParagraphs = new Map();
      seenSentences = new Map();
      seenLines = new Map();
    }
    const paras = paragraphs(s.text);
    const fences = codeRanges(s.text, ctx.doc.markdown);
    // `{% if %}…{% else %}…` branches are alternatives: a line in both is sent once.
    const exclusive = alternativeBranches(s.text);
    const alternative = (priorSection: number, priorStart: number, start: number) =>
      (priorSection === si && exclusive(priorStart, start)) || bothExamples(priorSection, priorStart, si, start);
    paras.forEach((p, pi) => {
      if (wordCount(p.text) < MIN_PARAGRAPH_WORDS) return;
      // Code samples repeat by nature and removing one breaks the sample; table rows share cells.
      if (inFence(fences, p.start) || /^\s*\|/.test(p.text)) return;
      const key = normalise(p.text);
      const first = seenParagraphs.get(key);
      if (first && alternative(first.section, first.seg.start, p.start)) return;
      if (first) {
        const firstLine = lineOf(ctx, ctx.doc.sections[first.section]!, first.seg.start);
        out.push(repeated(ctx, s, 'paragraph', firstLine, [p.start, p.end], paragraphRemoval(paras, pi)));
        return;
      }
      seenParagraphs.set(key, { section: si, seg: p });
      for (const sent of sentences(p)) {
        if (wordCount(sent.text) < MIN_SENTENCE_WORDS) continue;
        // The sentence of a list item starts with its bullet: keyed without it, "- Cite the source."
        // and "Cite the source." in prose are the same sentence.
        const bulletLength = BULLET.exec(sent.text)?.[0].length ?? 0;
        const k = normalise(sent.text.slice(bulletLength));
        const prior = seenSentences.get(k);
        if (!prior) {
          seenSentences.set(k, { section: si, seg: sent });
          continue;
        }
        if (alternative(prior.section, prior.seg.start, sent.start)) continue;
        const ls = s.text.lastIndexOf('\n', sent.start - 1) + 1;
        const nl = s.text.indexOf('\n', sent.start);
        const le = nl < 0 ? s.text.length : nl;
        const wholeLine = s.text.slice(ls, le).trim();
        const fileOffset = s.map.toFile(sent.start);
        if (reported.has(fileOffset)) continue;
        const priorLine = lineOf(ctx, ctx.doc.sections[prior.section]!, prior.seg.start);
        if (normalise(wholeLine.replace(BULLET, '')) === k) {
          // A sentence that is its whole line (a list item, or a line repeating a sentence of an
          // earlier line) goes with its line break, so no blank line is left; the line check then
          // skips it. Table rows, headings and tags are left alone, as there.
          if (!isProseLine(wholeLine)) continue;
          reported.add(fileOffset);
          out.push(repeated(ctx, s, 'line', priorLine, [sent.start, sent.end], lineRemoval(s.text, ls, le)));
          continue;
        }
        reported.add(fileOffset);
        // A list item's bullet stays: only the sentence after it goes.
        const body = { ...sent, start: sent.start + bulletLength, text: sent.text.slice(bulletLength) };
        out.push(repeated(ctx, s, 'sentence', priorLine, [body.start, body.end], sentenceRemoval(s, body)));
      }
      repeatedLines(ctx, s, si, p, fences, seenLines, reported, out, alternative);
    });
  });
  return out;
}

/**
 * Whole lines repeated verbatim (list items, short rules in instruction files). The fix removes the
 * line with its line break, so no blank line is left inside a list.
 */
function repeatedLines(
  ctx: PromptRuleContext,
  s: PromptSection,
  si: number,
  p: Segment,
  fences: ReadonlyArray<[number, number]>,
  seen: Map<string, { section: number; start: number }>,
  reported: Set<number>,
  out: RuleFinding[],
  /** Whether a line at `start` and its prior copy are never both read (alternative branches, separate examples). */
  alternative: (priorSection: number, priorStart: number, start: number) => boolean,
): void {
  let at = p.start;
  for (const raw of p.text.split('\n')) {
    const start = at;
    at += raw.length + 1;
    const line = raw.trim();
    if (!isProseLine(line) || inFence(fences, start)) continue;
    const key = normalise(line);
    const prior = seen.get(key);
    if (!prior) {
      seen.set(key, { section: si, start });
      continue;
    }
    if (alternative(prior.section, prior.start, start)) continue;
    const lineStart = start + (raw.length - raw.trimStart().length);
    const fileOffset = s.map.toFile(lineStart);
    // A sentence finding may already cover this text: never the same finding twice at one position.
    if (reportedWithin(reported, s.map.toFile(start), raw.length)) continue;
    reported.add(fileOffset);
    const priorLine = lineOf(ctx, ctx.doc.sections[prior.section]!, prior.start);
    const lineEnd = start + raw.length;
    out.push(repeated(ctx, s, 'line', priorLine, [lineStart, lineEnd], lineRemoval(s.text, start, lineEnd)));
  }
}

/** Whether a finding was already reported at a file offset in [from, from + length]. */
function reportedWithin(reported: Set<number>, from: number, length: number): boolean {
  // Walk whichever is shorter: the line's offsets or the findings so far.
  if (reported.size <= length) {
    for (const r of reported) if (r >= from && r <= from + length) return true;
    return false;
  }
  for (let k = from; k <= from + length; k++) if (reported.has(k)) return true;
  return false;
}

/** Paragraphs of this always-on file that also appear in another always-on file. */
export function crossFileDuplicateFindings(ctx: PromptRuleContext): RuleFinding[] {
  if (!isInstructionKind(ctx.doc.kind)) return [];
  const others = new Map<string, string>();
  for (const r of ctx.related) {
    if (r.path === ctx.path) continue;
    const body = r.text.slice(splitFrontMatter(r.text).bodyStart);
    for (const p of paragraphs(body)) if (wordCount(p.text) >= MIN_PARAGRAPH_WORDS) others.set(normalise(p.text), baseName(r.path));
  }
  if (others.size === 0) return [];
  const out: RuleFinding[] = [];
  for (const s of ctx.doc.sections) {
    const paras = paragraphs(s.text);
    paras.forEach((p, pi) => {
      const where = others.get(normalise(p.text));
      if (!where) return;
      const sv = saving(ctx.model, tokens(ctx, `${p.text}\n\n`), 'input', !ctx.exact);
      const [a, b] = paragraphRemoval(paras, pi);
      out.push({
        ruleId: 'duplicate-instructions',
        message: `This paragraph is also in ${where}; both are sent on every request, so keeping one copy saves ${sv.text}.`,
        range: sectionRange(ctx, s, p.start, p.end),
        tokensSaved: sv.tokensSaved,
        ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
        fixes: replaceFix(ctx, s, a, b, '', `Remove this copy (keep the one in ${where})`),
      });
    });
  }
  return out;
}
