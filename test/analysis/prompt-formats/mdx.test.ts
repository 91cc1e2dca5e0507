/**
 * MDX prompt files (`.mdx`, when a prompt glob names them): the body is Markdown, but its ESM
 * `import` / `export` blocks, JSX component tags (`<Callout>`, `</Callout>`, fragments) and MDX
 * comments `{/* … *\/}` are compiled away, not sent as prompt text. Before, an `.mdx` file was never a
 * prompt file, whatever the globs said; and an HTML comment (`<!-- -->`), what the "Disable" action
 * writes in Markdown, does not compile in MDX 2+.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile, isPromptFile } from '../../../proxy/src/analysis/index';
import { stripPlaceholders } from '../../../proxy/src/analysis/cost/lens';
import { disableNextLineFix } from '../../../proxy/src/analysis/suppression';
import { countTextTokens } from '../../../proxy/src/tokens/count';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const settings = { promptGlobs: ['**/prompts/**/*.mdx'] };
const count = (t: string) => countTextTokens(stripPlaceholders(t).text, 'gpt-4o-mini').tokens;

describe('MDX prompt files', () => {
  it('are prompt files when a glob names them, and not by default', () => {
    expect(isPromptFile('app/prompts/summary.mdx', settings.promptGlobs)).toBe(true);
    expect(isPromptFile('docs/guide.mdx')).toBe(false);
  });

  it('count the Markdown a renderer sends, not ESM lines, component tags or MDX comments', async () => {
    const text = lines(
      "import { Callout } from '../components/callout'",
      "export const meta = { title: 'Summary', owner: 'support-platform' }",
      '',
      '# Summarise the ticket',
      '',
      '{/* Maintainer note: keep this prompt in sync with summarise.py and the evaluation set. */}',
      '<Callout type="info">',
      'Answer in three sentences.',
      '</Callout>',
      '',
      'Ticket: {ticket}',
    );
    const r = await analyzeFile({ path: 'app/prompts/summary.mdx', text }, settings);
    expect(r.kind).toBe('prompt-template');
    const sent = lines('', '# Summarise the ticket', '', '', 'Answer in three sentences.', '', '', 'Ticket: {ticket}');
    // Removed spans leave their line breaks: count within a few tokens of the rendered Markdown.
    expect(Math.abs(r.calls[0]!.inputTokens - count(sent))).toBeLessThanOrEqual(3);
    expect(r.calls[0]!.inputTokens).toBeLessThan(count(text) - 30);
    expect(r.calls[0]!.placeholders).toBe(1);
  });

  it('ESM and JSX inside a fenced code block are prompt text (a sample shown to the model)', async () => {
    const sample = lines('```tsx', "import { Callout } from './callout'", '<Callout>Hi</Callout>', '```');
    const r = await analyzeFile({ path: 'app/prompts/review.mdx', text: lines('Review this component:', '', sample.trimEnd()) }, settings);
    expect(r.calls[0]!.inputTokens).toBe(count(lines('Review this component:', '', sample.trimEnd())));
  });

  it('the Disable action writes an MDX comment, which still suppresses', async () => {
    const text = lines('# Task', '', 'Summarise the ticket in two sentences.', 'Thank you so much for your help!', '');
    const r = await analyzeFile({ path: 'app/prompts/p.mdx', text }, settings);
    const polite = r.diagnostics.find((d) => d.ruleId === 'politeness')!;
    const fix = disableNextLineFix('app/prompts/p.mdx', text, polite);
    expect(fix.edits[0]!.newText).toBe('{/* tollgate-disable-next-line politeness */}\n');
    const fixed = applyEdits(text, fix.edits);
    const again = await analyzeFile({ path: 'app/prompts/p.mdx', text: fixed }, settings);
    expect(again.diagnostics.filter((d) => d.ruleId === 'politeness')).toEqual([]);
    // And the comment is not counted as prompt text.
    expect(again.calls[0]!.inputTokens).toBe(r.calls[0]!.inputTokens);
  });
});
