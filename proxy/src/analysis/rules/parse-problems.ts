/**
 * YAML errors that kept part of a prompt file from being read. The lens then misses what could not
 * be parsed (a `content:` with an unquoted `: ` loses its message), so the error is reported rather
 * than leaving a count that looks complete.
 */
import type { PromptRuleContext, RuleFinding } from './context';

/** The rule's id (its catalogue entry is in `../rules.ts`). */
export const PARSE_ERROR_RULE_ID = 'prompt-parse-error';

export function parseProblemFindings(ctx: PromptRuleContext): RuleFinding[] {
  return ctx.doc.parseProblems.map((p) => {
    const first = p.message.split('\n')[0]!.replace(/\s+at line \d+, column \d+:?$/, '').replace(/\.$/, '');
    return {
      ruleId: PARSE_ERROR_RULE_ID,
      // A non-breaking space Tollgate read past is counted: "not counted" would be untrue there — the
      // risk is the other way round, that the tool running the prompt loses the value.
      message: p.readAsMeant
        ? `YAML error: ${first}. Tollgate reads it as a space and counts what follows, but the tool that runs this prompt will not read the value as written.`
        : `YAML error: ${first}. What the parser could not read is not counted, so the cost shown may be incomplete.`,
      range: ctx.lines.range(p.start, Math.max(p.start, p.end)),
      fixes: [],
    };
  });
}
