/**
 * Rules 1 and 2: LLM calls and prompt files without an output limit. The saving is the worst case
 * a limit of 1,024 removes: a reply may otherwise run to the model's context window.
 */
import { contextWindow, tokensText } from '../cost/model-prices';
import { saving } from '../cost/savings';
import type { DetectedCall } from '../code/llm-call';
import type { PromptfooDocument } from '../prompt/promptfoo';
import type { LineIndex } from '../text/line-index';
import type { QuickFix } from '../types';
import type { PromptRuleContext, RuleFinding } from './context';

const SUGGESTED_LIMIT = 1024;

function worstCase(model: string): string {
  const window = contextWindow(model);
  if (!window) return `the reply is bounded only by ${model}'s own maximum`;
  const s = saving(model, Math.max(0, window - SUGGESTED_LIMIT), 'output');
  return `a reply can run to ${model}'s ${tokensText(window)}-token context window; a limit of ${tokensText(SUGGESTED_LIMIT)} saves up to ${s.text}`;
}

function worstCaseFigures(model: string): Pick<RuleFinding, 'tokensSaved' | 'usdPer1kCalls'> {
  const window = contextWindow(model);
  if (!window) return {};
  const s = saving(model, Math.max(0, window - SUGGESTED_LIMIT), 'output');
  return { tokensSaved: s.tokensSaved, ...(s.usdPer1kCalls !== undefined ? { usdPer1kCalls: s.usdPer1kCalls } : {}) };
}

export function codeOutputLimitFindings(calls: DetectedCall[], lines: LineIndex, defaultModel: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const c of calls) {
    if (c.limit !== 'missing') continue;
    const model = c.model ?? defaultModel;
    const fixes: QuickFix[] = c.insertion
      ? [{ title: c.insertion.title, edits: [{ range: lines.range(c.insertion.offset, c.insertion.offset), newText: c.insertion.newText }] }]
      : [];
    const anthropic = c.api === 'anthropic-messages';
    out.push({
      ruleId: anthropic ? 'anthropic-missing-max-tokens' : 'missing-output-limit',
      message: anthropic
        ? `${c.callee}() has no max_tokens: Anthropic's Messages API rejects the request without it; ${worstCase(model)}.`
        : `${c.callee}() sets no output limit: ${worstCase(model)}.`,
      range: lines.range(c.start, c.end),
      ...worstCaseFigures(model),
      fixes,
    });
  }
  return out;
}

export function promptOutputLimitFindings(ctx: PromptRuleContext): RuleFinding[] {
  const { doc, lines } = ctx;
  if (!doc.formatHasOutputLimit) return [];
  if (doc.kind === 'promptfoo') {
    const out: RuleFinding[] = [];
    for (const p of (doc as PromptfooDocument).providers) {
      if (p.outputLimit !== undefined) continue;
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
  if (doc.outputLimit !== undefined) return [];
  const field = doc.outputLimitField ?? 'max_tokens';
  const ins = doc.limitInsertion;
  return [
    {
      ruleId: 'prompt-missing-output-limit',
      message: `No output limit (${field}): ${worstCase(ctx.model)}.`,
      range: lines.range(doc.headerStart, doc.headerEnd),
      ...worstCaseFigures(ctx.model),
      fixes: ins ? [{ title: ins.title, edits: [{ range: lines.range(ins.offset, ins.offset), newText: ins.newText }] }] : [],
    },
  ];
}

export { worstCase, worstCaseFigures };
