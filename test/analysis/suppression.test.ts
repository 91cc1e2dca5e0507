import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis/index';

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
