/**
 * Collapsing a wide gap must not change what the text says: spaces inside an inline code span are
 * part of the format or command it shows, and gaps that line up from one line to the next are the
 * columns of a plain-text table or indented sample. A Markdown pipe table may be squeezed: its
 * cells (trimmed by the renderer) are the same, and the saving claimed is the saving the fix makes.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { countTextTokens } from '../../../proxy/src/tokens/count';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const settings = { promptGlobs: ['**/prompts/**'] };

async function whitespace(text: string) {
  const r = await analyzeFile({ path: 'app/prompts/agent.md', text }, settings);
  return r.diagnostics.filter((d) => d.ruleId === 'wasteful-formatting' && /whitespace/.test(d.message));
}

describe('whitespace collapsing keeps the meaning', () => {
  it('leaves the spaces inside inline code alone', async () => {
    const text = lines('Format dates as `YYYY-MM-DD   HH:mm` exactly.', 'Run `grep -n "a   b" log.txt` first.');
    expect(await whitespace(text)).toEqual([]);
  });

  it('leaves aligned plain-text columns alone, and still collapses a stray gap', async () => {
    const text = lines('Sample input:', '', '    name      qty    price', '    widget    4      9.50', '', 'Reply with   the total only.');
    const found = await whitespace(text);
    expect(found).toHaveLength(1);
    const fixed = applyEdits(text, found[0]!.fixes[0]!.edits);
    expect(fixed).toBe(text.replace('with   the', 'with the'));
  });

  it('a squeezed pipe table renders the same and saves what it claims', async () => {
    const text = lines(
      '| Field      | Meaning                     | Example      |',
      '|------------|-----------------------------|--------------|',
      '| severity   | How bad the outage is       | high         |',
      '| owner      | Team that owns the service  | payments     |',
      '',
      'Fill the table for the incident below.',
    );
    const found = await whitespace(text);
    expect(found).toHaveLength(1);
    const fixed = applyEdits(text, found[0]!.fixes[0]!.edits);
    // A GFM table cell is its text between pipes, trimmed: the same cells render the same table.
    const cells = (t: string) => t.split('\n').map((l) => (l.startsWith('|') ? l.split('|').map((c) => c.trim()) : [l]));
    expect(fixed).not.toBe(text);
    expect(cells(fixed)).toEqual(cells(text));
    const count = (t: string) => countTextTokens(t, 'gpt-4o-mini').tokens;
    expect(found[0]!.tokensSaved).toBe(count(text) - count(fixed));
  });
});
