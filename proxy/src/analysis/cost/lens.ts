/** Builds a CostLens: exact (or labelled estimate) input tokens, $ per call, worst case and comparisons. */
import { countMessageTokens, countTextTokens, chatOverheadFor, textCounter, type ChatMessageLike } from '../../tokens/count';
import { countingScheme } from '../../tokens/models';
import { findPlaceholders } from '../text/placeholders';
import type { CostLens, Range } from '../types';
import { modelPrices, type PriceAs, tokensText, usd } from './model-prices';

export interface LensMessage {
  role: string;
  text: string;
  range: Range;
}

/**
 * Template tags that render no text themselves: Jinja/Nunjucks/Liquid statements (`{% for … %}`,
 * `{%- if … -%}`), Handlebars/Mustache block and else tags (`{{#each items}}`, `{{^x}}`, `{{/if}}`,
 * `{{else}}`) and Dotprompt's `{{role "system"}}` / `{{section "x"}}` markers.
 */
const JINJA_STATEMENT = /\{%[\s\S]*?%\}/g;
const TEMPLATE_LOGIC = /^\{\{~?\s*(?:[#/^]|else\b|role\s|section\s)/;

/** Placeholders are unknown content: they are counted and removed before tokenising. */
export function stripPlaceholders(text: string): { text: string; placeholders: number } {
  const found = findPlaceholders(text);
  const tags = text.includes('{%') ? [...text.matchAll(JINJA_STATEMENT)] : [];
  if (found.length === 0 && tags.length === 0) return { text, placeholders: 0 };
  // Template logic renders no text of its own: it is removed, not counted as unknown content.
  const spans = [
    ...found.map((p) => ({ start: p.start, end: p.end, placeholder: !TEMPLATE_LOGIC.test(p.text) })),
    ...tags.map((m) => ({ start: m.index, end: m.index + m[0].length, placeholder: false })),
  ].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  let placeholders = 0;
  for (const p of spans) {
    if (p.start < at) continue;
    out += text.slice(at, p.start);
    at = p.end;
    if (p.placeholder) placeholders++;
  }
  return { text: out + text.slice(at), placeholders };
}

export function buildLens(opts: {
  model: string;
  range: Range;
  messages: LensMessage[];
  extraPlaceholders?: number;
  outputLimit?: number;
  comparisonModels: string[];
  /** Chat requests get per-message overhead; single-text prompts do not. */
  chat: boolean;
  /** Token count of a text at the lens model (lets rules reuse the counts of whole sections). */
  countText?: (text: string) => number;
  /** The provider that bills the call when its client is not the model maker's (a Groq client). */
  priceAs?: PriceAs;
}): CostLens {
  let placeholders = opts.extraPlaceholders ?? 0;
  const stripped: ChatMessageLike[] = [];
  for (const m of opts.messages) {
    const s = stripPlaceholders(m.text);
    placeholders += s.placeholders;
    stripped.push({ role: m.role, content: s.text });
  }
  const countOne = (m: ChatMessageLike, model: string) => {
    const count = model === opts.model && opts.countText ? opts.countText : textCounter(model);
    return opts.chat ? countMessageTokens(m, model, count) : count(m.content as string);
  };
  const countFor = (model: string, perMessageTokens = stripped.map((m) => countOne(m, model))) =>
    perMessageTokens.reduce((n, t) => n + t, 0) + (opts.chat ? chatOverheadFor(model).replyPriming : 0);
  const ownCounts = stripped.map((m) => countOne(m, opts.model));
  const perMessage: CostLens['perMessage'] = ownCounts.map((tokens, i) => ({ role: stripped[i]!.role, tokens, range: opts.messages[i]!.range }));
  const inputTokens = countFor(opts.model, ownCounts);
  const exact = countTextTokens('', opts.model).exact;
  const prices = modelPrices(opts.model, opts.priceAs);
  const inputUsd = prices ? inputTokens * prices.inputPerToken : 0;
  const worstCaseOutputUsd = prices && opts.outputLimit !== undefined ? inputUsd + opts.outputLimit * prices.outputPerToken : undefined;
  const comparisons: CostLens['comparisons'] = [];
  for (const c of opts.comparisonModels) {
    if (c === opts.model) continue;
    const p = modelPrices(c);
    // Same counting scheme and overhead: the counts carry over without tokenising again.
    const sameTokens = countingScheme(c) === countingScheme(opts.model) && chatOverheadFor(c).perMessage === chatOverheadFor(opts.model).perMessage;
    if (p) comparisons.push({ model: c, usd: (sameTokens ? inputTokens : countFor(c)) * p.inputPerToken });
  }
  const parts = [`${opts.model}${opts.priceAs ? ` (${opts.priceAs.provider})` : ''}: ${exact ? '' : '≈'}${tokensText(inputTokens)} input tokens${exact ? '' : ' (estimate)'}`];
  parts.push(prices ? `${usd(inputUsd)}/call` : 'no known price');
  if (worstCaseOutputUsd !== undefined) parts.push(`worst case ${usd(worstCaseOutputUsd)} with ${tokensText(opts.outputLimit!)} output`);
  if (placeholders > 0) parts.push(`+${placeholders} placeholder${placeholders === 1 ? '' : 's'} not counted`);
  for (const c of comparisons) parts.push(`${c.model} ${usd(c.usd)}`);
  return {
    range: opts.range,
    label: parts.join(' · '),
    model: opts.model,
    inputTokens,
    exact,
    priced: prices !== undefined,
    inputUsd,
    ...(worstCaseOutputUsd !== undefined ? { worstCaseOutputUsd } : {}),
    perMessage,
    comparisons,
    placeholders,
  };
}
