import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis/index';
import { disableNextLineFix } from '../../proxy/src/analysis/suppression';
import { applyEdits } from './support';

const call = "client.responses.create({ model: 'gpt-4.1', input: 'hi' });";

describe('suppression comments', () => {
  it('tollgate-disable-next-line <rule> silences that rule on the next line only', async () => {
    const text = `// tollgate-disable-next-line missing-output-limit\n${call}\n${call}\n`;
    const r = await analyzeFile({ path: 'a.ts', text });
    expect(r.diagnostics.map((d) => d.range.start.line)).toEqual([2]);
  });

  it('a different rule id does not silence it', async () => {
    const text = `// tollgate-disable-next-line politeness\n${call}\n`;
    expect((await analyzeFile({ path: 'a.ts', text })).diagnostics).toHaveLength(1);
  });

  it('tollgate-disable-line, Python # comments, and bare directives (all rules)', async () => {
    const py = 'client.responses.create(model="gpt-4.1", input="hi")  # tollgate-disable-line\n';
    expect((await analyzeFile({ path: 'a.py', text: py })).diagnostics).toEqual([]);
  });

  it('tollgate-disable-file in a Markdown prompt (HTML comment)', async () => {
    const text = '<!-- tollgate-disable-file politeness -->\nPlease answer the question. Thank you so much for your help!\n';
    const r = await analyzeFile({ path: 'a.prompt.md', text });
    expect(r.diagnostics.filter((d) => d.ruleId === 'politeness')).toEqual([]);
    const without = await analyzeFile({ path: 'a.prompt.md', text: text.split('\n').slice(1).join('\n') });
    expect(without.diagnostics.filter((d) => d.ruleId === 'politeness').length).toBeGreaterThan(0);
  });
});

describe('"disable for this line" quick fix', () => {
  it.each([
    ['a.ts', "const x = 1;\n  await openai.chat.completions.create({ model: 'gpt-4o', messages: [] });\n", '  // tollgate-disable-next-line missing-output-limit\n'],
    ['a.py', 'x = 1\nclient.responses.create(model="gpt-4.1", input="Hi")\n', '# tollgate-disable-next-line missing-output-limit\n'],
  ])('%s: inserts the directive tollgate honours, and the finding goes away', async (path, text, directive) => {
    const r = await analyzeFile({ path, text });
    const f = r.diagnostics.find((d) => d.ruleId === 'missing-output-limit')!;
    const fix = disableNextLineFix(path, text, f);
    const fixed = applyEdits(text, fix.edits);
    expect(fixed).toContain(directive);
    const again = await analyzeFile({ path, text: fixed });
    expect(again.diagnostics.filter((d) => d.ruleId === 'missing-output-limit')).toEqual([]);
  });

  it('uses an HTML comment in a markdown prompt body and # in its front matter', async () => {
    const text = '---\nmodel: GPT-4o\n---\nPlease list all the risks.\n';
    const body = disableNextLineFix('a.prompt.md', text, { ruleId: 'politeness', range: { start: { line: 3, character: 0 }, end: { line: 3, character: 6 } } });
    expect(body.edits[0]!.newText).toBe('<!-- tollgate-disable-next-line politeness -->\n');
    const head = disableNextLineFix('a.prompt.md', text, { ruleId: 'x', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } } });
    expect(head.edits[0]!.newText).toBe('# tollgate-disable-next-line x\n');
  });
});
