/**
 * Rules 1 and 2: LLM calls and prompt files without an output limit. The saving is the worst case
 * a limit of 1,024 removes: a reply may otherwise run to the model's maximum output tokens.
 */
import { maxOutput } from '../cost/max-output';
import { contextWindow, type PriceAs, tokensText } from '../cost/model-prices';
import { saving } from '../cost/savings';
import { SUGGESTED_LIMIT, type DetectedCall } from '../code/llm-call';
import type { PromptfooDocument } from '../prompt/promptfoo';
import type { LineIndex } from '../text/line-index';
import type { QuickFix } from '../types';
import type { PromptRuleContext, RuleFinding } from './context';

/**
 * How long an unlimited reply can run: the model's maximum output tokens (from the model catalogue);
 * only when the catalogue does not know the model, its context window (from genai-prices).
 */
export function worstCaseOutputTokens(
  model: string,
  as?: PriceAs,
): { tokens: number; bound: 'max-output' | 'context-window'; relative?: string } | undefined {
  const max = maxOutput(model);
  if (max) return { tokens: max.tokens, bound: 'max-output', ...(max.as ? { relative: max.as } : {}) };
  const window = contextWindow(model, as);
  return window ? { tokens: window, bound: 'context-window' } : undefined;
}

/**
 * `limit`: the limit the offered fix inserts, so the saving shown is the one the fix makes; `none`
 * when no limit is known to be accepted (the message then names no figure it cannot back).
 */
function worstCase(model: string, limit: number | 'none' = SUGGESTED_LIMIT, as?: PriceAs): string {
  const w = worstCaseOutputTokens(model, as);
  if (!w) return `the reply is bounded only by ${model}'s own maximum`;
  // A figure borrowed from a relative (gpt-5.1 from gpt-5) says so: the catalogue has none of its own.
  const borrowed = w.relative ? ` (as ${w.relative})` : '';
  const what = w.bound === 'max-output' ? `${model}'s maximum of ${tokensText(w.tokens)} output tokens${borrowed}` : `${model}'s ${tokensText(w.tokens)}-token context window`;
  if (limit === 'none' || w.tokens <= limit) return `a reply can run to ${what}`;
  const s = saving(model, w.tokens - limit, 'output', false, as);
  return `a reply can run to ${what}; a limit of ${tokensText(limit)} saves up to ${s.text}`;
}

function worstCaseFigures(model: string, limit: number | 'none' = SUGGESTED_LIMIT, as?: PriceAs): Pick<RuleFinding, 'tokensSaved' | 'usdPer1kCalls'> {
  const w = worstCaseOutputTokens(model, as);
  if (!w || limit === 'none') return {};
  const s = saving(model, Math.max(0, w.tokens - limit), 'output', false, as);
  return { tokensSaved: s.tokensSaved, ...(s.usdPer1kCalls !== undefined ? { usdPer1kCalls: s.usdPer1kCalls } : {}) };
}

/** `priceAs`: the provider that bills the call (a Groq client), when known. */
export function codeOutputLimitFindings(calls: Array<DetectedCall & { priceAs?: PriceAs }>, lines: LineIndex, defaultModel: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const c of calls) {
    if (c.limit !== 'missing') continue;
    const model = c.model ?? defaultModel;
    // Without a fix, the limit one would set for this model (room to reason, a thinking budget), if any is known.
    const limit = c.insertion?.limit ?? c.suggested ?? 'none';
    const fixes: QuickFix[] = c.insertion
      ? [{ title: c.insertion.title, edits: [{ range: lines.range(c.insertion.offset, c.insertion.end ?? c.insertion.offset), newText: c.insertion.newText }] }]
      : [];
    // Claude requires its limit, also in a Bedrock InvokeModel body (`requiredKey`).
    const anthropic = c.api === 'anthropic-messages' || c.requiredKey !== undefined;
    const note = c.note ? ` (${c.note})` : '';
    // The limit is missing whatever the model (`model: this.model` from a parameter); its figures are the default model's.
    const bound = `${worstCase(model, limit, c.priceAs)}${c.model ? '' : ` (${model} assumed: the call’s model is not visible here)`}.`;
    out.push({
      ruleId: anthropic ? 'anthropic-missing-max-tokens' : 'missing-output-limit',
      message: c.requiredKey
        ? `${c.callee}() has no ${c.requiredKey} in its Claude request body: Bedrock rejects the request without it; ${bound}`
        : anthropic
          ? `${c.callee}() has no max_tokens: Anthropic's Messages API rejects the request without it; ${bound}`
          : `${c.callee}() sets no output limit${note}: ${bound}`,
      range: lines.range(c.start, c.end),
      ...worstCaseFigures(model, limit, c.priceAs),
      fixes,
    });
  }
  return out;
}

function firstLineEnd(text: string, start: number, end: number): number {
  const nl = text.indexOf('\n', start);
  const lineEnd = nl < 0 ? text.length : nl;
  return Math.max(start, Math.min(lineEnd, end > start ? end : lineEnd));
}

export function promptOutputLimitFindings(ctx: PromptRuleContext): RuleFinding[] {
  const { doc, lines } = ctx;
  if (!doc.formatHasOutputLimit) return [];
  if (doc.kind === 'promptfoo') {
    const out: RuleFinding[] = [];
    for (const p of (doc as PromptfooDocument).providers) {
      // Set (possibly templated), or bounded by promptfoo's own default for the provider.
      if (p.outputLimit !== undefined || p.outputLimitTemplated || p.defaultLimit !== undefined) continue;
      out.push({
        ruleId: 'prompt-missing-output-limit',
        message: `Provider ${p.model} has no config.max_tokens: ${worstCase(p.model)}.`,
        range: lines.range(p.start, p.end),
        ...worstCaseFigures(p.model),
        fixes: p.insertion
          ? [{ title: 'Add config.max_tokens: 1024', edits: [{ range: lines.range(p.insertion.offset, p.insertion.end ?? p.insertion.offset), newText: p.insertion.newText }] }]
          : [],
      });
    }
    return out;
  }
  if (doc.outputLimit !== undefined || doc.outputLimitTemplated) return [];
  // A file with neither a model nor a message (empty, or front matter only) describes no request yet.
  if (!doc.model && doc.sections.length === 0) return [];
  const field = doc.outputLimitField ?? 'max_tokens';
  const ins = doc.limitInsertion;
  const note = doc.outputLimitNote ? `; ${doc.outputLimitNote}` : '';
  return [
    {
      ruleId: 'prompt-missing-output-limit',
      message: `No output limit (${field}${note}): ${worstCase(ctx.model)}.`,
      // The squiggle marks the model's key line only, not the whole model block.
      range: lines.range(doc.headerStart, firstLineEnd(ctx.text, doc.headerStart, doc.headerEnd)),
      ...worstCaseFigures(ctx.model),
      fixes: ins ? [{ title: ins.title, edits: [{ range: lines.range(ins.offset, ins.offset), newText: ins.newText }] }] : [],
    },
  ];
}

export { worstCase, worstCaseFigures };
