/**
 * Quick fixes that delete a whole line inside a YAML `|` block (a repeated line, a separator line)
 * must delete the file line with its indentation: left behind, the indentation doubled the next
 * line's (changing the prompt) or, at the block's end, broke the YAML. And a repeated list item is
 * removed with its line, not left as a blank line that splits the list.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeFile, type FileAnalysis } from '../../../proxy/src/analysis/index';
import { countTextTokens } from '../../../proxy/src/tokens/count';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const githubPrompt = lines(
  'name: Reviewer',
  'model: openai/gpt-4o-mini',
  'modelParameters:',
  '  maxTokens: 500',
  'messages:',
  '  - role: system',
  '    content: |',
  '      You review pull requests for a Go service.',
  '      ==========================================',
  '      Point out data races and unchecked errors first.',
  '      Keep each comment under three sentences.',
  '      Always cite the file and line of every problem.',
  '      Always cite the file and line of every problem.',
  '  - role: user',
  '    content: "{{diff}}"',
);

const promptfoo = lines(
  'prompts:',
  '  - |-',
  '    ****************************************',
  '    You are a terse assistant for a hardware store.',
  '    Answer stock questions with a number and a shelf location.',
  '    Question: {{question}}',
  '    Answer stock questions with a number and a shelf location.',
  'providers:',
  '  - id: openai:gpt-4o-mini',
  '    config:',
  '      max_tokens: 200',
);

interface Case {
  path: string;
  text: string;
  prompts: (y: { messages?: Array<{ content: string }>; prompts?: string[] }) => string[];
}

const cases: Array<[string, Case]> = [
  ['GitHub Models .prompt.yml', { path: 'review.prompt.yml', text: githubPrompt, prompts: (y) => y.messages!.map((m) => m.content) }],
  ['promptfoo |- prompt', { path: 'promptfooconfig.yaml', text: promptfoo, prompts: (y) => y.prompts! }],
];

function lineFixes(r: FileAnalysis) {
  return r.diagnostics.filter((d) => d.ruleId === 'duplicate-text' || /separator/.test(d.message));
}

describe('line-deleting fixes inside a YAML | block', () => {
  it.each(cases)('%s: each fix deletes exactly that line of the prompt, and the YAML still parses', async (_name, c) => {
    const r = await analyzeFile({ path: c.path, text: c.text });
    const found = lineFixes(r);
    expect(found.map((d) => d.ruleId).sort()).toEqual(['duplicate-text', 'wasteful-formatting']);
    const before = c.prompts(parse(c.text));
    for (const d of found) {
      expect(d.fixes).toHaveLength(1);
      const after = applyEdits(c.text, d.fixes[0]!.edits);
      const prompts = c.prompts(parse(after));
      // The removed line is the finding's line; every other line of the prompt is unchanged.
      const removed = c.text.split('\n')[d.range.start.line]!.trim();
      const expected = before.map((p, i) => (i === 0 ? p.split('\n').filter((l, k, all) => !(l === removed && k === all.lastIndexOf(removed))).join('\n') : p));
      expect(prompts).toEqual(expected);
      // The saving the finding claims is what the fix saves.
      const model = r.model!;
      expect(countTextTokens(before[0]!, model).tokens - countTextTokens(prompts[0]!, model).tokens).toBe(d.tokensSaved);
    }
  });
});

describe('a repeated list item', () => {
  it('is removed with its line, leaving the list whole', async () => {
    const text = lines('# Review rules', '', '- Never approve a change that removes a test.', '- Keep each comment under three sentences.', '- Never approve a change that removes a test.', '- Mention the file path.');
    const r = await analyzeFile({ path: 'prompts/review.md', text });
    const dup = r.diagnostics.filter((d) => d.ruleId === 'duplicate-text');
    expect(dup).toHaveLength(1);
    const after = applyEdits(text, dup[0]!.fixes[0]!.edits);
    expect(after).toBe(lines('# Review rules', '', '- Never approve a change that removes a test.', '- Keep each comment under three sentences.', '- Mention the file path.'));
  });
});
