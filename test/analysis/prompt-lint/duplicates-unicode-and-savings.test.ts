/**
 * duplicate-text on prompts it never saw: words were counted with ASCII `\w`, so an Arabic or
 * Chinese instruction had no words and its repeats were never reported, and a Japanese 。 did not
 * end a sentence. And the saving a finding claimed was the copy tokenised on its own, not what the
 * fix removes from its line — the two drift apart by a token or more.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { countTextTokens } from '../../../proxy/src/tokens/count';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

async function duplicates(text: string) {
  const r = await analyzeFile({ path: 'prompts/p.md', text });
  return { model: r.model!, found: r.diagnostics.filter((d) => d.ruleId === 'duplicate-text') };
}

describe('repeats in other scripts', () => {
  it.each([
    ['Japanese sentence after 。', lines('あなたはプロの翻訳者です。', '回答は必ず日本語で書いてください。丁寧語を使ってください。回答は必ず日本語で書いてください。'), 1, '回答は必ず日本語で書いてください。丁寧語を使ってください。'],
    ['Arabic list item', lines('- أجب باللغة العربية دائماً وبإيجاز شديد.', '- اذكر المصدر لكل رقم.', '- أجب باللغة العربية دائماً وبإيجاز شديد.'), 2, null],
    ['Chinese list item', lines('- 请用简体中文回答，并保持简洁明了。', '- 不要编造数字。', '- 请用简体中文回答，并保持简洁明了。'), 2, null],
  ])('%s is reported and its fix removes only the copy', async (_name, text, line, fixedLine) => {
    const { found } = await duplicates(text);
    expect(found.map((d) => d.range.start.line)).toEqual([line]);
    const fixed = applyEdits(text, found[0]!.fixes[0]!.edits);
    if (fixedLine === null) expect(fixed).toBe(text.split('\n').filter((_, i) => i !== line).join('\n'));
    else expect(fixed.split('\n')[line]!.trimEnd()).toBe(fixedLine);
  });

  it('a short Chinese phrase is not a sentence worth reporting', async () => {
    expect((await duplicates(lines('简洁。', '简洁。'))).found).toEqual([]);
  });
});

describe('the saving a duplicate claims', () => {
  it.each([
    ['a sentence ending its line', lines('Use metric units. Cite a source for every number you give. Keep it short. Cite a source for every number you give.', 'Answer in English.')],
    ['a sentence inside a line', lines('Use metric units. Cite a source for every number you give. Keep it short. Cite a source for every number you give. Thanks.')],
    ['a line in a list', lines('Rules:', '- Cite a source for every number you give.', '- Keep it short.', '- Cite a source for every number you give.', '- Use metric units.')],
    ['a paragraph', lines('Cite a source for every number you give, in brackets.', '', 'Keep it short.', '', 'Cite a source for every number you give, in brackets.', '', 'Use metric units.')],
    ['an Arabic sentence', lines('أنت مساعد مفيد. أجب باللغة العربية دائماً وبإيجاز شديد من فضلك.', 'أنت مساعد مفيد. أجب باللغة العربية دائماً وبإيجاز شديد من فضلك.')],
  ])('%s: equals what the fix saves', async (_name, text) => {
    const { model, found } = await duplicates(text);
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      const fixed = applyEdits(text, d.fixes[0]!.edits);
      expect(d.tokensSaved).toBe(countTextTokens(text, model).tokens - countTextTokens(fixed, model).tokens);
      expect(fixed).not.toMatch(/[ \t]\n/);
    }
  });
});
