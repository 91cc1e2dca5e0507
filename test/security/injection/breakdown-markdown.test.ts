/**
 * "Show Cost Breakdown" renders a Markdown table of the analysed prompt: its model names come from
 * the file (a cloned repository's front matter). A `|` split the row into extra cells and `[…](…)`
 * became a link; they are now the characters they are, one cell each.
 */
import { describe, expect, it } from 'vitest';
import { breakdownMarkdown } from '../../../extension/src/lens/lensTitle';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import type { CostLens } from '../../../proxy/src/analysis/types';

/** The cells of a Markdown table row, split at `|` not escaped by a backslash. */
const cells = (row: string): string[] => row.split(/(?<!\\)\|/).slice(1, -1);

describe('cost breakdown of a prompt whose model name is Markdown', () => {
  it('keeps every table row at its column count and forms no link', async () => {
    const model = 'gpt|4o [Fix](command:workbench.action.terminal.new) *x*';
    const text = `---\nmodel: "${model}"\n---\nSummarize the ticket below in three bullet points.\n`;
    const analysis = await analyzeFile({ path: '/w/prompts/t.prompt.md', text, languageId: 'prompt' }, { comparisonModels: ['gpt-4.1'] });
    const lens = analysis.calls[0] as CostLens;
    expect(lens.model).toContain('|');
    const md = breakdownMarkdown(lens, 'prompts/t.prompt.md');
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    const header = rows.filter((r) => r.startsWith('| model'))[0]!;
    const modelRows = rows.slice(rows.indexOf(header) + 2);
    expect(modelRows.length).toBeGreaterThanOrEqual(2);
    for (const r of modelRows) expect(cells(r)).toHaveLength(cells(header).length);
    expect(md).not.toMatch(/(?<!\\)\]\(command:/);
  });
});
