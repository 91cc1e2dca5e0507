/**
 * Span membership (`inFence`) is a binary search over the sorted, disjoint spans `fencedRanges` and
 * `mergeSpans` return: it must answer exactly as a scan of every span does, at every offset of a
 * file with many code samples and example sections — boundaries included (start in, end out).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { inlineExampleSpans } from '../../proxy/src/analysis/rules/prompt-content';
import { fencedBlocks, fencedRanges, inFence } from '../../proxy/src/analysis/text/fences';

const scan = (spans: ReadonlyArray<[number, number]>, offset: number) => spans.some(([a, b]) => offset >= a && offset < b);

/** Prose, fences of both kinds (one left open at the end), adjacent fences and "Example" sections. */
function markdown(blocks: number): string {
  const out: string[] = ['# Agent', ''];
  for (let i = 0; i < blocks; i++) {
    out.push(`## Step ${i}`, '', `Cite the handbook section for step ${i} in every answer you give.`, '');
    if (i % 3 === 0) out.push('```python', `# please list all items of step ${i}`, '```', '~~~', `step ${i}`, '~~~', '');
    if (i % 4 === 1) out.push(`### Example ${i}`, '', `User: what about step ${i}?`, '', '#### Detail', '', 'Assistant: see the handbook.', '');
    if (i % 5 === 2) out.push('````md', '```', `nested sample ${i}`, '```', '````', '');
  }
  out.push('```', 'an unclosed sample runs to the end');
  return out.join('\n');
}

describe('inFence', () => {
  it('agrees with a scan of every span at every offset, for fences and example sections', () => {
    const text = markdown(60);
    const fences = fencedRanges(text);
    const examples = inlineExampleSpans(text);
    expect(fences.length).toBeGreaterThan(50);
    expect(examples.length).toBeGreaterThan(10);
    for (const spans of [fences, examples, [] as Array<[number, number]>]) {
      for (let offset = -1; offset <= text.length + 1; offset++) expect(inFence(spans, offset)).toBe(scan(spans, offset));
    }
  });

  it('counts a span start as inside and its end as outside, also for touching spans', () => {
    const spans: Array<[number, number]> = [
      [2, 5],
      [5, 7],
      [10, 11],
    ];
    expect([1, 2, 4, 5, 6, 7, 9, 10, 11].map((o) => inFence(spans, o))).toEqual([false, true, true, true, true, false, false, true, false]);
  });

  it('keeps content rules out of every one of many code samples in a long prompt', async () => {
    const line = 'Always answer in English and cite the exact source document for each claim.';
    const body = Array.from({ length: 200 }, (_, i) => ['```text', line, `sample ${i}`, '```', ''].join('\n')).join('\n');
    const r = await analyzeFile({ path: 'prompts/samples.md', text: `${line}\n\n${body}` });
    expect(r.diagnostics.filter((d) => d.ruleId === 'duplicate-text')).toEqual([]);
  });
});

/**
 * One reading of a fence for every rule, CommonMark's (§4.5): a block ends at the next bare run of
 * its character at least as long, or, with none, at the end of the text. The formatting rule read an
 * unclosed fence as no block and offered to collapse the spaces of a code sample left open at the end.
 */
describe('fencedBlocks', () => {
  const sample = (close: boolean) =>
    ['Review the shell script below and reply with one sentence about its safety.', '', '```bash', 'ls -la      /tmp', '', '', '', '', 'echo "done"   ', ...(close ? ['```'] : []), ''].join('\n');

  it('ends a block at its closer, or at the end of the text when it has none', () => {
    const closed = sample(true);
    const open = sample(false);
    const at = closed.indexOf('```bash');
    const body = closed.indexOf('ls -la');
    const closer = closed.lastIndexOf('```');
    expect(fencedBlocks(closed)).toEqual([{ start: at, end: closer + 3, info: 'bash', bodyStart: body, bodyEnd: closer }]);
    expect(fencedBlocks(open)).toEqual([{ start: at, end: open.length, info: 'bash', bodyStart: body, bodyEnd: open.length }]);
    expect(fencedRanges(open)).toEqual([[at, open.length]]);
  });

  it('keeps the formatting rule out of a code sample whether or not it is closed', async () => {
    for (const close of [true, false]) {
      const r = await analyzeFile({ path: 'prompts/review.md', text: sample(close) });
      expect(r.diagnostics.filter((d) => d.ruleId === 'wasteful-formatting')).toEqual([]);
    }
    // The same spaces outside a fence are reported: the rule is not silent on this text.
    const prose = sample(true).replace('```bash\n', '').replace('\n```', '');
    expect((await analyzeFile({ path: 'prompts/review.md', text: prose })).diagnostics.map((d) => d.ruleId)).toContain('wasteful-formatting');
  });
});
