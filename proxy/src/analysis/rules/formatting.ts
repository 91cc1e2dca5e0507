/**
 * Rule 5: formatting that costs tokens. Every suggestion is measured with the tokenizer and only
 * reported when the suggested text really has fewer tokens.
 */
import { saving } from '../cost/savings';
import type { PromptSection } from '../prompt/document';
import { type FencedBlock, fencedBlocks } from '../text/fences';
import { codeRanges } from '../text/indented-code';
import { localSaving, replaceFix, sectionRange, tokens, type PromptRuleContext, type RuleFinding } from './context';

interface Span {
  start: number;
  end: number;
}

function inside(spans: Span[], at: number): boolean {
  return spans.some((s) => at >= s.start && at < s.end);
}

/** Multi-line JSON values: fenced ```json blocks, and bare blocks starting with a line `{`/`[`. */
function jsonBlocks(text: string, fences: FencedBlock[]): Span[] {
  const out: Span[] = [];
  for (const f of fences) {
    if (f.info === 'json' || f.info === 'jsonc' || f.info === '') {
      const body = text.slice(f.bodyStart, f.bodyEnd);
      const lead = body.length - body.trimStart().length;
      const trimmed = body.trim();
      if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.includes('\n')) out.push({ start: f.bodyStart + lead, end: f.bodyStart + lead + trimmed.length });
    }
  }
  const lines: Array<{ start: number; end: number; text: string }> = [];
  let at = 0;
  for (const l of text.split('\n')) {
    lines.push({ start: at, end: at + l.length, text: l });
    at += l.length + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    const t = first.text.trim();
    if ((t !== '{' && t !== '[' && !/^[{[]\s*"/.test(t)) || inside(fences, first.start)) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 400); j++) {
      const last = lines[j]!;
      if (!/[}\]],?\s*$/.test(last.text)) continue;
      const start = first.start + (first.text.length - first.text.trimStart().length);
      const end = last.start + last.text.trimEnd().replace(/,$/, '').length;
      try {
        JSON.parse(text.slice(start, end));
        out.push({ start, end });
        i = j;
        break;
      } catch {
        // keep extending
      }
    }
  }
  return out;
}

/**
 * JSON with the whitespace between tokens removed and nothing else changed. Re-serialising the parsed
 * value (JSON.stringify) is not the same JSON: 12345678901234567890 loses digits, 10.50 becomes 10.5,
 * 1.0 becomes 1, `\u00e9` becomes é and a repeated key disappears — an example that no longer says
 * what it said. `json` must parse.
 */
function withoutJsonWhitespace(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += json[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') out += c;
  }
  return out;
}

function jsonFindings(ctx: PromptRuleContext, s: PromptSection, fences: FencedBlock[]): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const b of jsonBlocks(s.text, fences)) {
    const original = s.text.slice(b.start, b.end);
    try {
      JSON.parse(original);
    } catch {
      continue; // JSONC, a template with placeholders, an elided `...`: not JSON to rewrite
    }
    const minified = withoutJsonWhitespace(original);
    const saved = tokens(ctx, original) - tokens(ctx, minified);
    if (saved <= 0) continue;
    const sv = saving(ctx.model, saved, 'input', !ctx.exact);
    out.push({
      ruleId: 'wasteful-formatting',
      message: `Pretty-printed JSON example; minified it says the same and saves ${sv.text}.`,
      range: sectionRange(ctx, s, b.start, b.end),
      tokensSaved: sv.tokensSaved,
      ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
      fixes: replaceFix(ctx, s, b.start, b.end, minified, 'Minify the JSON example'),
    });
  }
  return out;
}

/** Inline code spans (`` `YYYY-MM-DD   HH:mm` ``): their spaces are part of the code or format they show. */
function codeSpans(text: string): Span[] {
  return [...text.matchAll(/(`+)[^\n]*?\1/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/**
 * Whether a gap ending at `offset` lines up with a gap on the line above or below: columns of a
 * plain-text table or an indented sample, whose alignment tells the model which value is in which
 * column ("a long    listing" collapsed cannot be told from three cells). Markdown pipe-table rows
 * are not columns of this kind: their `|` separate the cells, and squeezed they render the same.
 */
function columnGaps(text: string): (offset: number) => boolean {
  const lines: Array<{ start: number; ends: Set<number> }> = [];
  let at = 0;
  for (const line of text.split('\n')) {
    const ends = new Set<number>();
    if (!/^\s*\|/.test(line)) for (const m of line.matchAll(/(?<=\S)[ \t]{2,}(?=\S)/g)) ends.add(m.index + m[0].length);
    lines.push({ start: at, ends });
    at += line.length + 1;
  }
  return (offset) => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    const col = offset - lines[lo]!.start;
    return !!lines[lo]!.ends.has(col) && (!!lines[lo - 1]?.ends.has(col) || !!lines[lo + 1]?.ends.has(col));
  };
}

/** Blank-line runs, trailing whitespace and wide gaps inside lines (not indentation, not in code blocks). */
function whitespaceFindings(ctx: PromptRuleContext, s: PromptSection, fences: Span[]): RuleFinding[] {
  const edits: Array<Span & { newText: string }> = [];
  for (const m of s.text.matchAll(/\n(?:[ \t]*\n){2,}/g)) if (!inside(fences, m.index)) edits.push({ start: m.index, end: m.index + m[0].length, newText: '\n\n' });
  for (const m of s.text.matchAll(/[ \t]+(?=\n)/g)) if (!inside(fences, m.index) && !edits.some((e) => m.index >= e.start && m.index < e.end)) edits.push({ start: m.index, end: m.index + m[0].length, newText: '' });
  const keep = [...fences, ...codeSpans(s.text)];
  const aligned = columnGaps(s.text);
  for (const m of s.text.matchAll(/(?<=[^\s])[ \t]{3,}(?=[^\s])/g))
    if (!inside(keep, m.index) && !aligned(m.index + m[0].length)) edits.push({ start: m.index, end: m.index + m[0].length, newText: ' ' });
  if (edits.length === 0) return [];
  edits.sort((a, b) => a.start - b.start);
  // Keep only the runs whose collapse really saves tokens, each measured on its own lines.
  const kept = edits.map((e) => ({ ...e, saved: localSaving(ctx, s.text, e.start, e.end, e.newText) })).filter((e) => e.saved > 0);
  edits.length = 0;
  edits.push(...kept);
  const saved = kept.reduce((n, e) => n + e.saved, 0);
  if (saved <= 0) return [];
  const sv = saving(ctx.model, saved, 'input', !ctx.exact);
  const verbatim = edits.every((e) => s.map.verbatim(e.start, e.end));
  return [
    {
      ruleId: 'wasteful-formatting',
      message: `${edits.length} run${edits.length === 1 ? '' : 's'} of extra whitespace; collapsing them saves ${sv.text}.`,
      range: sectionRange(ctx, s, edits[0]!.start, edits[0]!.end),
      tokensSaved: sv.tokensSaved,
      ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
      fixes: verbatim ? [{ title: 'Collapse extra whitespace', edits: edits.map((e) => ({ range: sectionRange(ctx, s, e.start, e.end), newText: e.newText })) }] : [],
    },
  ];
}

/**
 * Separator lines such as `==========` or `**********` carry no instruction; nor do their
 * full-width forms (`＝＝＝＝＝`, `－－－－－`, `ーーーーー`), dashes (`―――――`, `—————`) and
 * squares and stars (`■■■■■`, `★★★★★`) that Japanese and Chinese prompts draw them with.
 */
function decorationFindings(ctx: PromptRuleContext, s: PromptSection, fences: Span[]): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const m of s.text.matchAll(/^[ \t\u3000]*([=*_~+#─━═•·＝－＊＿～ー―—■□◆◇★☆-])\1{4,}[ \t\u3000]*$\n?/gm)) {
    if (inside(fences, m.index)) continue;
    const lineText = m[0].replace(/\n$/, '');
    const heading = setextHeading(s.text, m.index, lineText);
    if (heading) {
      out.push(...headingFinding(ctx, s, heading, m.index + lineText.length));
      continue;
    }
    const saved = localSaving(ctx, s.text, m.index, m.index + m[0].length, '');
    if (saved <= 0) continue;
    const sv = saving(ctx.model, saved, 'input', !ctx.exact);
    out.push({
      ruleId: 'wasteful-formatting',
      message: `Decorative separator line; removing it (or using a Markdown heading) saves ${sv.text}.`,
      range: sectionRange(ctx, s, m.index, m.index + lineText.length),
      tokensSaved: sv.tokensSaved,
      ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
      fixes: replaceFix(ctx, s, m.index, m.index + m[0].length, '', 'Remove the separator line'),
    });
  }
  return out;
}

/**
 * A run of `=` or `-` right under a line of text underlines a Markdown (setext) heading: removing it
 * would turn the heading into body text. The heading line and its level (`=` 1, `-` 2), or undefined.
 */
function setextHeading(text: string, underlineAt: number, underline: string): { start: number; title: string; level: 1 | 2 } | undefined {
  const ch = underline.trim()[0];
  if ((ch !== '=' && ch !== '-') || underlineAt === 0 || /^ {4,}|\t/.test(underline)) return undefined;
  const start = text.lastIndexOf('\n', underlineAt - 2) + 1;
  const line = text.slice(start, underlineAt - 1);
  // A blank line, a list item, a heading, a quote or a table row above: not a setext heading. Nor is a
  // sentence ("You review pull requests.") a rule is drawn under: that rule is decoration.
  if (!line.trim() || /^ {4,}|^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\|)/.test(line) || /[.!?:;,。！？：；，]\s*$/.test(line) || line.trim().length > 80) return undefined;
  if (/^\s*([=*_~+#─━═•·＝－＊＿～ー―—■□◆◇★☆-])\1{2,}\s*$/.test(line)) return undefined;
  return { start, title: line.trim(), level: ch === '=' ? 1 : 2 };
}

/** A setext heading written as an ATX one (`# Title`) says the same in fewer tokens. */
function headingFinding(ctx: PromptRuleContext, s: PromptSection, h: { start: number; title: string; level: 1 | 2 }, end: number): RuleFinding[] {
  const atx = `${'#'.repeat(h.level)} ${h.title}`;
  const saved = localSaving(ctx, s.text, h.start, end, atx);
  if (saved <= 0) return [];
  const sv = saving(ctx.model, saved, 'input', !ctx.exact);
  const underlineStart = s.text.indexOf('\n', h.start) + 1;
  return [
    {
      ruleId: 'wasteful-formatting',
      message: `Underlined heading; written as "${atx}" it says the same and saves ${sv.text}.`,
      range: sectionRange(ctx, s, underlineStart, end),
      tokensSaved: sv.tokensSaved,
      ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
      fixes: s.map.verbatim(h.start, end) ? [{ title: `Write the heading as "${atx}"`, edits: [{ range: sectionRange(ctx, s, h.start, end), newText: atx }] }] : [],
    },
  ];
}

export function formattingFindings(ctx: PromptRuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const s of ctx.doc.sections) {
    const fences = fencedBlocks(s.text, ctx.doc.markdown);
    // Spaces and rules inside an indented code sample are part of the sample, as in a fenced one.
    const code = codeRanges(s.text, ctx.doc.markdown).map(([start, end]) => ({ start, end }));
    out.push(...jsonFindings(ctx, s, fences), ...whitespaceFindings(ctx, s, code), ...decorationFindings(ctx, s, code));
  }
  return out;
}
