/**
 * A sentence repeated where it is not the whole of both lines: a line that repeats one sentence of
 * an earlier line (it was skipped by the sentence check, which left it to the line check, which only
 * matches whole lines), and a list item's sentence repeated in prose or the other way round (keyed
 * with its bullet, so never matched; and its removal took the bullet with it).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { countTextTokens } from '../../../proxy/src/tokens/count';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const settings = { promptGlobs: ['**/prompts/**'] };
const S = 'Use British spelling in every reply you write.';
const count = (t: string) => countTextTokens(t, 'gpt-4o-mini').tokens;

async function dups(text: string) {
  const r = await analyzeFile({ path: 'app/prompts/agent.md', text }, settings);
  return r.diagnostics.filter((d) => d.ruleId === 'duplicate-text');
}

describe('sentences repeated inside other lines', () => {
  it('a line that repeats a sentence of an earlier line', async () => {
    const text = lines(`${S} Keep replies short and friendly.`, 'Cite the policy section.', S, 'Sign off as the Acme team.');
    const found = await dups(text);
    expect(found).toHaveLength(1);
    expect(found[0]!.range.start.line).toBe(2);
    expect(found[0]!.message).toMatch(/line repeats line 1/);
    const fixed = applyEdits(text, found[0]!.fixes[0]!.edits);
    expect(fixed).toBe(lines(`${S} Keep replies short and friendly.`, 'Cite the policy section.', 'Sign off as the Acme team.'));
    expect(found[0]!.tokensSaved).toBe(count(text) - count(fixed));
  });

  it('a list item repeated as a sentence in prose', async () => {
    const text = lines(`- ${S}`, '- Cite the policy section you used.', '', `Remember this. ${S} Keep replies short.`);
    const found = await dups(text);
    expect(found).toHaveLength(1);
    const fixed = applyEdits(text, found[0]!.fixes[0]!.edits);
    expect(fixed).toBe(lines(`- ${S}`, '- Cite the policy section you used.', '', 'Remember this. Keep replies short.'));
    expect(found[0]!.tokensSaved).toBe(count(text) - count(fixed));
  });

  it('a sentence repeated at the start of a list item keeps the bullet', async () => {
    const text = lines(`${S} Keep replies short.`, '', `- ${S} Quote prices in pounds sterling.`, '- Never promise refunds.');
    const found = await dups(text);
    expect(found).toHaveLength(1);
    const fixed = applyEdits(text, found[0]!.fixes[0]!.edits);
    expect(fixed).toBe(lines(`${S} Keep replies short.`, '', '- Quote prices in pounds sterling.', '- Never promise refunds.'));
  });
});
