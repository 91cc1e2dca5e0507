/**
 * Indented code blocks in Markdown prompts, as CommonMark 0.31.2 reads them (§4.4 indented code
 * blocks, §5.2 list items, §2.2 tabs). A sample indented by four spaces after a blank line is code
 * shown to the model: its "please", "list all" and repeated lines were reported as the prompt's own
 * words. An indented line that continues a paragraph or a list item is prose and is still linted.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { fencedRanges } from '../../../proxy/src/analysis/text/fences';
import { indentedCodeRanges } from '../../../proxy/src/analysis/text/indented-code';

const lines = (...l: string[]) => l.join('\n');

/** 0-based lines of `text` holding findings of content rules. */
async function flaggedLines(path: string, text: string, promptGlobs?: string[]): Promise<number[]> {
  const r = await analyzeFile({ path, text }, promptGlobs ? { promptGlobs } : {});
  return [...new Set(r.diagnostics.filter((d) => d.ruleId !== 'prompt-missing-output-limit').map((d) => d.range.start.line))].sort((a, b) => a - b);
}

/** The 0-based lines each span of `indentedCodeRanges` covers, as [first, last]. */
function codeLines(text: string): Array<[number, number]> {
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length - 1;
  return indentedCodeRanges(text, []).map(([a, b]) => [lineAt(a), lineAt(b)]);
}

const sample = lines(
  'Call the endpoint like this:',
  '',
  '    # please list all the files',
  '    curl -X POST https://example.com/v1/run -d "thank you very much"',
  '',
  '    curl -X POST https://example.com/v1/run -d "thank you very much"',
  '    curl   -s   https://example.com/v1/status',
  '',
  'Keep the reply short.',
);

describe('indented code blocks in Markdown prompts', () => {
  it('skips a real indented code block (after a blank line) for every content rule', async () => {
    for (const path of ['.github/prompts/run.prompt.md', 'AGENTS.md', 'prompts/run.md']) expect(await flaggedLines(path, sample), path).toEqual([]);
  });

  it('still lints an indented line that continues a paragraph or a list item', async () => {
    const text = lines(
      'Answer the question in the ticket.',
      '    Please keep the answer short.',
      '',
      '- Check each file carefully before you answer.',
      '',
      '  Please cite the file you used.',
      '- Read the logs first.',
      '    Please quote the failing line.',
      '',
      '1. Summarise the change.',
      '',
      '   Please name the author.',
    );
    expect(await flaggedLines('.github/prompts/review.prompt.md', text)).toEqual([1, 5, 7, 11]);
  });

  it('reads code inside a list item only four columns past its content', async () => {
    const text = lines('1. Run the tests:', '', '       please run npm test', '', '   Please report failures.', '', '- Then:', '', '      please deploy');
    expect(codeLines(text)).toEqual([
      [2, 2],
      [8, 8],
    ]);
    expect(await flaggedLines('AGENTS.md', text)).toEqual([4]);
  });

  it('expands tabs to columns of four and ends a list item at a less indented line', () => {
    const text = lines('- item', '', '\tcontinued item text', '', 'Paragraph.', '', '\tcode after the list', '  \tcode too', '   not code: three columns');
    expect(codeLines(text)).toEqual([[6, 7]]);
  });

  it('lets a heading or a thematic break, but not a paragraph, precede code without a blank line', () => {
    expect(codeLines(lines('# Setup', '    pip install x', 'Text', '    more text', '***', '    code'))).toEqual([
      [1, 1],
      [5, 5],
    ]);
    // An ordered item other than 1 cannot interrupt a paragraph: "2024." continues it.
    expect(codeLines(lines('Since', '2024. it runs', '    on weekdays'))).toEqual([]);
  });

  it('reads indented lines inside a <tag>…</tag> section as prose: the model reads the tags, not rendered Markdown', async () => {
    const text = lines(
      '<instructions>',
      'You are a support agent.',
      '',
      '    Please list all the open tickets of the customer.',
      '</instructions>',
      '',
      '<context>',
      '  <document index="1">',
      '  The customer is on the Pro plan.',
      '',
      '      Thank you very much for your help.',
      '  </document>',
      '</context>',
    );
    expect(codeLines(text)).toEqual([]);
    expect(await flaggedLines('prompts/support.md', text)).toEqual([3, 10]);
    // After the section closes, an indented sample is code again.
    expect(codeLines(lines(text, '', '    please run npm test'))).toEqual([[14, 14]]);
  });

  it('keeps an indented HTML sample, and the lines after a tag never closed, as code', () => {
    // The sample's own <div> is code and opens nothing.
    expect(codeLines(lines('Render this:', '', '    <div>', '      please click here', '    </div>'))).toEqual([[2, 4]]);
    // A <br> with no </br> later is no section.
    expect(codeLines(lines('Line one<br>', '', '    please run npm test'))).toEqual([[2, 2]]);
    // Nor is a tag whose only closer is in a fenced sample: the indented sample before it stays code.
    const named = lines('Wrap long logs in `<details>` blocks.', '', '    please run npm test', '', '```html', '<details><summary>Log</summary>…</details>', '```');
    expect(indentedCodeRanges(named, fencedRanges(named, true)).map(([a, b]) => named.slice(a, b))).toEqual(['    please run npm test']);
  });

  it('leaves indentation alone in a plain-text template and in MDX, which have no indented code', async () => {
    expect(await flaggedLines('prompts/run.txt', sample)).not.toEqual([]);
    expect(await flaggedLines('prompts/run.mdx', sample, ['**/prompts/**/*.mdx'])).not.toEqual([]);
  });
});
