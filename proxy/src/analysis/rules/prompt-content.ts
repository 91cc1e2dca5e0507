/**
 * Rules that read what the prompt says: unbounded-output requests (7), few-shot share (6),
 * politeness boilerplate (8), and cache-hostile ordering (4).
 */
import { priceCall } from '../../pricing/price';
import { tokensText, usd } from '../cost/model-prices';
import { saving } from '../cost/savings';
import { stripPlaceholders } from '../cost/lens';
import { findPlaceholders } from '../text/placeholders';
import { fencedRanges, inFence, mergeSpans } from '../text/fences';
import { codeRanges } from '../text/indented-code';
import { isInstructionKind } from '../prompt/detect';
import { worstCase, worstCaseFigures } from './output-limit';
import { sectionRange, tokens, type PromptRuleContext, type RuleFinding } from './context';

// English phrases, with English caps and quotes: a prompt in another language (`english`) gets no
// finding from this rule or from politeness. French "exhaustive" in an English prompt is read with
// French negations (NEGATED_CLAUSE). "as much as possible" alone says how to work ("reuse the
// helpers as much as possible"), not how much to write.
const UNBOUNDED =
  /\b(as (?:long|detailed|many|thorough(?:ly)?) as (?:possible|you can)|as (?:much|many) (?:details?|information|examples|ideas) as (?:possible|you can)|list (?:all|every|each)|exhaustive(?:ly)?|complete list of (?:all|every)|without (?:any )?(?:length|word) limit|no (?:length|word) limit|don'?t (?:stop|hold back)|be as verbose as)\b/gi;

/**
 * A negation earlier in the phrase's clause (since the last punctuation mark or line break) asks for
 * the opposite, a bounded reply: "Do not list all the files", "Never be exhaustive", "Avoid answers
 * as long as possible", "a non-exhaustive list", and in French "ne doit pas être exhaustive", "sans
 * être exhaustive". "Not only … list all" and "Instead of summarising, list all" still ask for everything.
 */
const NEGATED_CLAUSE = /(?:\b(?:not(?! only)|never|no|nor|non|avoid(?:ing)?|refrain from|instead of|rather than|ne|pas|jamais|sans|ni|au lieu de)\b|n['’]t\b|(?<!\p{L})(?:évite[rz]?|plutôt que)(?!\p{L}))/iu;

function negated(text: string, at: number): boolean {
  let start = at;
  while (start > 0 && !/[.!?;:,\n]/.test(text[start - 1]!)) start--;
  return NEGATED_CLAUSE.test(text.slice(start, at));
}

/**
 * A count of the reply's own units caps it, written before the noun or after it, or a bare count
 * that is a clause of its own: "List all the files, no more than ten.", "as detailed as possible in
 * at most 200 words", "5 bullet points max", "two sentences or fewer", "(3 max)", "no longer than a
 * tweet". A count of something else is a filter, not a cap: "list all products that cost at most 10
 * dollars" and "users aged 30 or fewer" still ask for all.
 */
const COUNT = String.raw`(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|fifty|a few|a hundred)`;
const UNIT = String.raw`(?:\w+\s+)?(?:words?|sentences?|lines?|paragraphs?|bullets?|bullet points?|items?|entries|points?|tokens?|characters?|results?|examples?|findings?|pages?|tweets?)\b`;
const BEFORE = String.raw`(?:at most|no more than|not more than|up to|a maximum of|max(?:imum)?:?|fewer than|less than|(?:a )?limit(?:ed)? (?:to|of)|keep it to|capped at)\s+${COUNT}`;
const AFTER = String.raw`(?:at (?:the )?most|max(?:imum)?|or (?:fewer|less)|tops)\b`;
const LENGTH = String.raw`(?:(?:no|not) longer than|shorter than|under|within)\s+(?:an?|${COUNT})\s+${UNIT}`;
const CAP = new RegExp(String.raw`\b${BEFORE}(?:\s+${UNIT}|\s*[.!?;)\n])|\b${COUNT}\s+${UNIT}\s*,?\s*${AFTER}|(?:^|[,;:(–—-])\s*${COUNT}\s+${AFTER}\s*[.!?;)\n]|\b${LENGTH}`, 'i');

/** Whether the sentence around [at, end) caps the reply with a count (`CAP`). */
function capped(text: string, at: number, end: number): boolean {
  const start = Math.max(...['.', '!', '?', '\n'].map((c) => text.lastIndexOf(c, at - 1))) + 1;
  const stop = text.slice(end).search(/[.!?\n]/);
  return CAP.test(stop < 0 ? `${text.slice(start)}\n` : text.slice(start, end + stop + 1));
}

const ENGLISH_WORDS = /^(?:the|and|of|to|is|are|you|your|for|with|that|this|be|not|it|if|or|when|each|should|must|will|from|by|all)$/i;
const OTHER_WORDS = /^(?:le|la|les|des|du|une|et|est|pour|avec|dans|que|qui|pas|sur|au|aux|ne|der|die|das|und|ist|nicht|mit|für|ein|eine|den|dem|auf|zu|von|el|los|las|y|para|con|por|una|del|il|di|che|è|gli|não|uma|em|de|het|een|en|van|niet)$/i;

/** Whether the prompt is in English: its English function words are at least as many as another language's, or its words in another script. */
function english(ctx: PromptRuleContext): boolean {
  const words = ctx.doc.sections.flatMap((s) => s.text.match(/\p{L}+/gu) ?? []);
  const other = words.filter((w) => OTHER_WORDS.test(w) || !/\p{Script=Latin}/u.test(w)).length;
  return words.filter((w) => ENGLISH_WORDS.test(w)).length >= other;
}

export function unboundedOutputFindings(ctx: PromptRuleContext): RuleFinding[] {
  if (ctx.doc.outputLimit !== undefined || !english(ctx)) return [];
  // Instruction files steer an agent across many requests ("use rails routes to list all routes");
  // they do not ask one reply for unbounded output.
  if (isInstructionKind(ctx.doc.kind)) return [];
  const out: RuleFinding[] = [];
  for (const s of ctx.doc.sections) {
    const fences = codeRanges(s.text, ctx.doc.markdown);
    for (const m of s.text.matchAll(UNBOUNDED)) {
      // A quoted request ("List all applications you have access to" as a startup query) is what someone else asks.
      if (inFence(fences, m.index) || negated(s.text, m.index) || capped(s.text, m.index, m.index + m[0].length) || quoted(lineAround(s.text, m.index, m[0].length))) continue;
      out.push({
        ruleId: 'unbounded-output',
        message: `"${m[0]}" asks for unbounded output and nothing caps it: ${worstCase(ctx.model)}. Ask for a bounded amount (e.g. "the 10 most important") or set an output limit.`,
        range: sectionRange(ctx, s, m.index, m.index + m[0].length),
        ...worstCaseFigures(ctx.model),
        fixes: [],
      });
    }
  }
  return out;
}

const POLITE =
  /(?:\b(?:please|kindly)\b,?\s*|\bthank(?:s| you)(?: (?:so|very) much)?(?: in advance)?(?: for [^.!?\n]{0,60})?[.!]?|\bI would (?:really )?appreciate (?:it )?if you (?:could|would)\s*|\bwould you (?:be so kind as to|mind)\s*|\bif you don'?t mind,?\s*)/gi;

/** The line holding text[at, at + length), and its text before and after that span. */
function lineAround(text: string, at: number, length: number): { line: string; before: string; after: string } {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  const line = text.slice(lineStart, nl < 0 ? text.length : nl);
  return { line, before: line.slice(0, at - lineStart), after: line.slice(at - lineStart + length) };
}

/**
 * Text between double quotes on its line quotes someone (`When the user writes "please fix this"`):
 * its "please" is what is quoted, not the prompt being polite. An inline code span (`list all`) names something.
 */
function quoted({ before, after }: { before: string; after: string }): boolean {
  const straight = ['"', '`'].some((q) => before.split(q).length % 2 === 0 && after.includes(q));
  return straight || (before.lastIndexOf('“') > before.lastIndexOf('”') && after.includes('”'));
}

export function politenessFindings(ctx: PromptRuleContext): RuleFinding[] {
  if (!english(ctx)) return [];
  const out: RuleFinding[] = [];
  for (const s of ctx.doc.sections) {
    const fences = codeRanges(s.text, ctx.doc.markdown);
    for (const m of s.text.matchAll(POLITE)) {
      if (inFence(fences, m.index)) continue;
      const { line, before, after: rest } = lineAround(s.text, m.index, m[0].length);
      let after = rest;
      if (quoted({ before, after })) continue;
      // Dropping a sentence-initial "Please" leaves the next word to be capitalised.
      if (/(^|[.!?]\s*)$/.test(before)) after = after.charAt(0).toUpperCase() + after.slice(1);
      const without = before + after;
      const saved = tokens(ctx, line) - tokens(ctx, without);
      if (saved <= 0) continue;
      out.push({
        ruleId: 'politeness',
        message: `"${m[0].trim()}" costs ${saved} token${saved === 1 ? '' : 's'} on every call and rarely changes the answer.`,
        range: sectionRange(ctx, s, m.index, m.index + m[0].trimEnd().length),
        tokensSaved: saved,
        fixes: [],
      });
    }
  }
  return out;
}

/**
 * A heading that says "Examples", in English or another language: a Chinese prompt's 示例 section
 * was read as instructions, so the frame its examples share ("只回答一个词") was reported as a
 * duplicate to delete (breaking an example) and the few-shot share went unmeasured.
 */
const EXAMPLE_HEADING =
  /\bexamples?\b|(?<![\p{L}\p{M}])(?:beispiele?|exemples?|ejemplos?|exemplos?|esempi[oi]?|примеры?|образцы?|أمثلة|مثال|उदाहरण|ví dụ|örnek(?:ler)?|przykłady?)(?![\p{L}\p{M}])|示例|例子|范例|範例|样例|樣例|例文|入力例|出力例|回答例|具体例|예시|예제|ตัวอย่าง|^例[:：]?$/iu;

/** Tokens of example blocks inside prose: `<example>…</example>` and sections under an "Example" heading. */
export function inlineExampleSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const m of text.matchAll(/<examples?>[\s\S]*?<\/examples?>/gi)) spans.push([m.index, m.index + m[0].length]);
  const fences = fencedRanges(text);
  // A `# comment` inside a code sample is not a heading.
  const headings = [...text.matchAll(/^(#{1,6})[ \t]+(.*)$/gm)].filter((m) => !inFence(fences, m.index)).map((m) => ({ at: m.index, level: m[1]!.length, title: m[2]! }));
  headings.forEach((h, i) => {
    if (!EXAMPLE_HEADING.test(h.title)) return;
    let end = text.length;
    for (let j = i + 1; j < headings.length; j++) {
      if (headings[j]!.level <= h.level) {
        end = headings[j]!.at;
        break;
      }
    }
    spans.push([h.at, end]);
  });
  return mergeSpans(spans);
}

export function fewShotFindings(ctx: PromptRuleContext): RuleFinding[] {
  const maxShare = ctx.settings.fewShotMaxShare ?? 0.5;
  let total = 0;
  let examples = 0;
  let first: RuleFinding['range'] | undefined;
  for (const s of ctx.doc.sections) {
    const t = tokens(ctx, stripPlaceholders(s.text).text);
    total += t;
    if (s.example) {
      examples += t;
      first ??= sectionRange(ctx, s, 0, Math.min(s.text.length, s.text.indexOf('\n') < 0 ? s.text.length : s.text.indexOf('\n')));
      continue;
    }
    for (const [a, b] of inlineExampleSpans(s.text)) {
      examples += tokens(ctx, s.text.slice(a, b));
      first ??= sectionRange(ctx, s, a, s.text.indexOf('\n', a) < 0 ? b : Math.min(b, s.text.indexOf('\n', a)));
    }
  }
  if (total === 0 || !first || examples / total <= maxShare) return [];
  const excess = Math.ceil(examples - maxShare * total);
  const sv = saving(ctx.model, excess, 'input', !ctx.exact);
  return [
    {
      ruleId: 'few-shot-share',
      message: `Few-shot examples are ${Math.round((100 * examples) / total)}% of the prompt (${tokensText(examples)} of ${tokensText(total)} tokens, limit ${Math.round(maxShare * 100)}%); trimming them to the limit saves ${sv.text}.`,
      range: first,
      tokensSaved: sv.tokensSaved,
      ...(sv.usdPer1kCalls !== undefined ? { usdPer1kCalls: sv.usdPer1kCalls } : {}),
      fixes: [],
    },
  ];
}

/** Providers cache identical prompt prefixes of at least this many tokens (OpenAI, Anthropic). */
export const PREFIX_CACHE_MIN_TOKENS = 1024;

export function cacheOrderFindings(ctx: PromptRuleContext): RuleFinding[] {
  // Instruction files are sent verbatim: `{service}` there is text, not a template variable.
  if (isInstructionKind(ctx.doc.kind)) return [];
  let prefixTokens = 0;
  let staticAfter = 0;
  let firstVar: { range: RuleFinding['range']; text: string } | undefined;
  for (const s of ctx.doc.sections) {
    const vars = findPlaceholders(s.text);
    if (!firstVar) {
      if (vars.length === 0) {
        prefixTokens += tokens(ctx, s.text);
        continue;
      }
      const v = vars[0]!;
      prefixTokens += tokens(ctx, s.text.slice(0, v.start));
      firstVar = { range: sectionRange(ctx, s, v.start, v.end), text: v.text };
      staticAfter += tokens(ctx, stripPlaceholders(s.text.slice(v.end)).text);
    } else staticAfter += tokens(ctx, stripPlaceholders(s.text).text);
  }
  if (!firstVar || prefixTokens >= PREFIX_CACHE_MIN_TOKENS || staticAfter < PREFIX_CACHE_MIN_TOKENS) return [];
  const cacheable = prefixTokens + staticAfter;
  const now = priceCall(ctx.model, { inputTokens: cacheable, outputTokens: 0 });
  const reordered = priceCall(ctx.model, { inputTokens: cacheable, outputTokens: 0, cachedTokens: cacheable });
  const usdPer1kCalls = now.priced && reordered.priced ? (now.totalUsd - reordered.totalUsd) * 1000 : undefined;
  return [
    {
      ruleId: 'cache-hostile-order',
      message:
        `${firstVar.text} comes before ${tokensText(staticAfter)} tokens of static text, so provider prefix caching (≥${tokensText(PREFIX_CACHE_MIN_TOKENS)} identical leading tokens) cannot reuse them. ` +
        `Putting variable content last lets ${tokensText(cacheable)} tokens be read from cache` +
        (usdPer1kCalls !== undefined ? `, saving ${usd(usdPer1kCalls)} per 1,000 cache-hit calls at ${ctx.model}.` : '.'),
      range: firstVar.range,
      tokensSaved: cacheable,
      ...(usdPer1kCalls !== undefined ? { usdPer1kCalls } : {}),
      fixes: [],
    },
  ];
}
