/** CodeLens titles and breakdown rows for a CostLens. Pure (no `vscode`). */
import type { CostLens } from '@proxy/analysis/types';
import { formatUsd } from '@contract/format';
import { iconText } from '../util/iconText';

export function formatTokens(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * e.g. "≈1,234 tokens · $0.0031/call ($3.10 per 1k calls), ≤$0.012 with output · gpt-4o-mini".
 * VS Code renders `$(name)` in a CodeLens title as an icon: the model name, text from the analysed
 * file, goes in through iconText.
 */
export function lensTitle(l: CostLens): string {
  const modelName = iconText(l.model);
  // Say what could not be seen rather than show a confidently small number.
  if (l.unseen?.includes('arguments')) {
    const seen = l.inputTokens > 0 && l.perMessage.length > 0 ? ` (${formatTokens(l.inputTokens)}+ tokens visible)` : '';
    return `Prompt not visible here: arguments are built elsewhere${seen} · ${l.unseen.includes('model') ? `model unknown (${modelName} assumed)` : modelName}`;
  }
  const tokens = `${l.exact ? '' : '≈'}${formatTokens(l.inputTokens)} tokens`;
  // "$0/call" would read as free: say the price is unknown instead.
  const perCall = l.priced ? `${formatUsd(l.inputUsd)}/call (${formatUsd(l.inputUsd * 1000)} per 1k calls)` : 'no known price';
  const cost = l.worstCaseOutputUsd !== undefined ? `${perCall}, ≤${formatUsd(l.worstCaseOutputUsd)} with output` : perCall;
  const vars = l.placeholders ? ` · ${l.placeholders} variable${l.placeholders === 1 ? '' : 's'} not counted` : '';
  const model = l.unseen?.includes('model') ? `${modelName} assumed (model not visible)` : modelName;
  return `${tokens} · ${cost} · ${model}${vars}`;
}

/** One entry of the breakdown quick pick: a heading, a message (its index in perMessage), a model, or the Markdown view. */
export interface BreakdownPick {
  label: string;
  description?: string;
  detail?: string;
  separator?: true;
  message?: number;
  markdown?: true;
}

/**
 * The breakdown quick pick's entries. Its labels, descriptions and details render `$(name)` as
 * icons: the roles and model names, text from the analysed file, go in through iconText.
 */
export function breakdownPicks(lens: CostLens): BreakdownPick[] {
  return [
    { label: 'Per message', separator: true },
    ...lens.perMessage.map((m, i) => ({
      label: `$(comment) ${iconText(m.role)}`,
      description: `${formatTokens(m.tokens)} tokens`,
      detail: `line ${m.range.start.line + 1}`,
      message: i,
    })),
    { label: 'Same prompt on other models', separator: true },
    ...[{ model: lens.model, usd: lens.inputUsd, priced: lens.priced }, ...lens.comparisons.map((c) => ({ ...c, priced: true }))].map((c) => ({
      label: `$(symbol-number) ${iconText(c.model)}`,
      description: c.priced ? `${formatUsd(c.usd)} per call` : 'no known price',
      ...(lens.inputUsd > 0 ? { detail: `${(c.usd / lens.inputUsd).toFixed(2)}× ${iconText(lens.model)}` } : {}),
    })),
    { label: '', separator: true },
    { label: '$(markdown) Open as Markdown', markdown: true },
  ];
}

/**
 * Text from the analysed file (a model name, a role) as Markdown text: its own `|` would split a
 * table cell and `[…](…)`, `*`, `<…>` would format or link; they are shown as the characters they are.
 */
function mdText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|#!]/g, '\\$&');
}

/** The markdown breakdown: per message, then the comparison models. */
export function breakdownMarkdown(l: CostLens, file: string): string {
  const lines = [
    `# Cost per call — ${file} line ${l.range.start.line + 1}`,
    '',
    `Model **${mdText(l.model)}**: ${l.exact ? '' : '≈'}${formatTokens(l.inputTokens)} input tokens, ${l.priced ? `${formatUsd(l.inputUsd)} input per call` : 'no known price (its cost is not counted)'}` +
      (l.worstCaseOutputUsd !== undefined ? `, at most ${formatUsd(l.worstCaseOutputUsd)} with the output limit.` : '.'),
    ...(l.exact ? [] : ['', '_Token counts are an estimate: this model\'s tokenizer is not public._']),
    ...(l.placeholders ? ['', `_${l.placeholders} template variable(s) are not counted (their content is unknown)._`] : []),
    '',
    '## Per message',
    '',
    '| # | role | tokens | share | line |',
    '| --- | --- | ---: | ---: | ---: |',
    ...l.perMessage.map(
      (m, i) => `| ${i + 1} | ${mdText(m.role)} | ${formatTokens(m.tokens)} | ${l.inputTokens ? Math.round((m.tokens / l.inputTokens) * 100) : 0}% | ${m.range.start.line + 1} |`,
    ),
    '',
    '## Same prompt on other models',
    '',
    '| model | $ per call | × this model |',
    '| --- | ---: | ---: |',
    ...[{ model: l.model, usd: l.inputUsd }, ...l.comparisons].map(
      (c) => `| ${mdText(c.model)} | ${c.model === l.model && !l.priced ? 'no known price' : formatUsd(c.usd)} | ${l.inputUsd > 0 ? (c.usd / l.inputUsd).toFixed(2) : '–'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
