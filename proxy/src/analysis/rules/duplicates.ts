/**
 * Rule 3: the same paragraph or sentence twice in a prompt, and the same paragraph in several
 * always-on instruction files (all of them are sent with every request).
 */
import { saving } from '../cost/savings';
import { isInstructionKind } from '../prompt/detect';
import { splitFrontMatter } from '../prompt/frontmatter';
import type { PromptSection } from '../prompt/document';
import { normalise, paragraphs, sentences, wordCount, type Segment } from '../text/segments';
import { replaceFix, sectionRange, tokens, type PromptRuleContext, type RuleFinding } from './context';

const MIN_PARAGRAPH_WORDS = 6;
const MIN_SENTENCE_WORDS = 6;

function baseName(p: string): string {
  const n = p.replace(/\\/g, '/');
  return n.slice(n.lastIndexOf('/') + 1);
}

/** Range to delete so that a paragraph and one adjoining separator disappear. */
function paragraphRemoval(s: PromptSection, all: Segment[], i: number): [number, number] {
  const p = all[i]!;
  const next = all[i + 1];
  if (next) return [p.start, next.start];
  const prev = all[i - 1];
  return prev ? [prev.end, p.end] : [p.start, p.end];
}

function sentenceRemoval(s: PromptSection, seg: Segment): [number, number] {
  let b = seg.end;
  while (b < s.text.length && (s.text[b] === ' ' || s.text[b] === '\t')) b++;
  return [seg.start, b];
}

export function duplicateFindings(ctx: PromptRuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const seenParagraphs = new Map<string, { section: number; seg: Segment }>();
  const seenSentences = new Map<string, Segment>();
  ctx.doc.sections.forEach((s, si) => {
    const paras = paragraphs(s.text);
    paras.forEach((p, pi) => {
      if (wordCount(p.text) < MIN_PARAGRAPH_WORDS) return;
      const key = normalise(p.text);
      const first = seenParagraphs.get(key);
      if (first) {
        const firstLine = ctx.lines.positionAt(ctx.doc.sections[first.section]!.map.toFile(first.seg.start)).line + 1;
        const sv = saving(ctx.model, tokens(ctx, `${p.text}\n\n`), 'input', !ctx.exact);
        const [a, b] = paragraphRemoval(s, paras, pi);
        out.push({
          ruleId: 'duplicate-text',
          message: `This paragraph repeats line ${firstLine}; removing it saves ${sv.text}.`,
          range: sectionRange(ctx, s, p.start, p.end),
          tokensSaved: sv.tokensSaved,
          ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
          fixes: replaceFix(ctx, s, a, b, '', 'Remove the repeated paragraph'),
        });
        return;
      }
      seenParagraphs.set(key, { section: si, seg: p });
      for (const sent of sentences(p)) {
        if (wordCount(sent.text) < MIN_SENTENCE_WORDS) continue;
        const k = normalise(sent.text);
        const prior = seenSentences.get(k);
        if (!prior) {
          seenSentences.set(k, sent);
          continue;
        }
        const sv = saving(ctx.model, tokens(ctx, ` ${sent.text}`), 'input', !ctx.exact);
        const [a, b] = sentenceRemoval(s, sent);
        out.push({
          ruleId: 'duplicate-text',
          message: `This sentence appears earlier in the prompt; removing it saves ${sv.text}.`,
          range: sectionRange(ctx, s, sent.start, sent.end),
          tokensSaved: sv.tokensSaved,
          ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
          fixes: replaceFix(ctx, s, a, b, '', 'Remove the repeated sentence'),
        });
      }
    });
  });
  return out;
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
      const [a, b] = paragraphRemoval(s, paras, pi);
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
