/**
 * A ```` fence that shows a Markdown sample with its own ``` block ends at its own ````, as
 * CommonMark reads it. Read as ending at the sample's ```, the rest of the sample was treated as
 * prose: its trailing spaces (a Markdown hard line break) were stripped, its repeated lines and
 * "please" reported, though the sample is text the model is shown verbatim. And the JSON minify
 * fix re-serialised the value, rewriting big integers, 10.50, 1.0 and \u escapes.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const sample = [
  '````markdown',
  '# Release notes',
  '```bash',
  'npm   install',
  '```',
  'Please upgrade before Friday.  ',
  'Run the migration once on every server you own.',
  'Run the migration once on every server you own.',
  '````',
];

const text = lines('Rewrite release notes in the house style shown here:', '', ...sample, '', 'Keep   it short.');

describe('nested code fences', () => {
  it('leave the sample inside a ```` block untouched', async () => {
    const r = await analyzeFile({ path: 'prompts/notes.md', text });
    const sampleLines = [2, 2 + sample.length - 1];
    const insideSample = r.diagnostics.filter((d) => d.range.start.line >= sampleLines[0]! && d.range.start.line <= sampleLines[1]!);
    expect(insideSample.map((d) => d.ruleId)).toEqual([]);
    // The one real finding, the gap after the sample, is still fixed — and the fix keeps the sample.
    const ws = r.diagnostics.filter((d) => d.ruleId === 'wasteful-formatting');
    expect(ws).toHaveLength(1);
    const fixed = applyEdits(text, ws[0]!.fixes[0]!.edits);
    expect(fixed).toBe(lines('Rewrite release notes in the house style shown here:', '', ...sample, '', 'Keep it short.'));
  });

  it('a ~~~ fence is not closed by ``` and a longer closer closes a shorter fence', async () => {
    const t = lines('~~~text', '```', 'Please   keep the spacing.   ', '```', '~~~~', '', 'Done.');
    const r = await analyzeFile({ path: 'prompts/t.md', text: t });
    expect(r.diagnostics).toEqual([]);
  });
});

/**
 * A run indented four or more columns is not a fence where CommonMark says so (§4.5: an opener or closer
 * is indented 0–3 spaces within its container). Read as a fence, an indented ``` shown at the margin
 * opened a block to the end of the file, and one inside a Markdown sample closed the sample early, so
 * its real closer did the same: the rest of the prompt went unlinted.
 */
describe('indented code fences', () => {
  const politeLines = async (path: string, text: string) =>
    (await analyzeFile({ path, text })).diagnostics.filter((d) => d.ruleId === 'politeness').map((d) => d.range.start.line);

  it('an indented ``` at the margin is indented code, not a fence hiding the rest of the file', async () => {
    const t = lines('Tag every code block with its language, for example:', '', '    ```ts', '', 'Please answer in two lines.');
    expect(await politeLines('prompts/tags.md', t)).toEqual([4]);
  });

  it('a ``` indented four columns inside a fence is its text, not its closer', async () => {
    const t = lines('Reply in this format:', '', '```markdown', '1. Build', '    ```bash', '    please run make', '    ```', '```', '', 'Please answer briefly.');
    expect(await politeLines('prompts/format.md', t)).toEqual([9]);
  });

  it('inside a list item an indented ``` is still a fence, and a .txt template keeps any indented fence', async () => {
    const item = lines('1. Run:', '    ```bash', '    # please list all files', '    ```', '', 'Please answer briefly.');
    expect(await politeLines('prompts/run.md', item)).toEqual([5]);
    const txt = lines('Example:', '    ```', '    please run make', '    ```', 'Please answer briefly.');
    expect(await politeLines('prompts/run.txt', txt)).toEqual([4]);
  });
});

describe('minifying a JSON example', () => {
  it('removes whitespace only: numbers, escapes and keys stay as written', async () => {
    const json = ['{', '  "order_id": 12345678901234567890,', '  "total": 10.50,', '  "note": "caf\\u00e9 \\"latte\\"",', '  "items": [', '    { "sku": "A-1", "qty": 1.0 }', '  ]', '}'];
    const t = lines('Return an order like this:', '', '```json', ...json, '```');
    const r = await analyzeFile({ path: 'prompts/order.md', text: t });
    const f = r.diagnostics.find((d) => /JSON/.test(d.message))!;
    const fixed = applyEdits(t, f.fixes[0]!.edits);
    expect(fixed).toBe(lines('Return an order like this:', '', '```json', '{"order_id":12345678901234567890,"total":10.50,"note":"caf\\u00e9 \\"latte\\"","items":[{"sku":"A-1","qty":1.0}]}', '```'));
  });
});
