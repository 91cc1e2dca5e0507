/**
 * A line pasted twice, once with an invisible zero-width space (or word joiner, soft hyphen) inside:
 * the model reads the same instruction twice, but the copies compared unequal and were not reported.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

const settings = { promptGlobs: ['**/prompts/**'] };

describe('invisible characters in repeated text', () => {
  for (const [name, ch] of [['zero-width space', '\u200b'], ['word joiner', '\u2060'], ['soft hyphen', '\u00ad']] as const) {
    it(`a repeat with a ${name} inside is a repeat`, async () => {
      const text = `Always answer in formal British English today.\nAlways${ch} answer in formal British English today.\nAnswer concisely.\n`;
      const r = await analyzeFile({ path: 'app/prompts/style.md', text }, settings);
      const dup = r.diagnostics.filter((d) => d.ruleId === 'duplicate-text');
      expect(dup.map((d) => d.range.start.line)).toEqual([1]);
      expect(applyEdits(text, dup[0]!.fixes[0]!.edits)).toBe('Always answer in formal British English today.\nAnswer concisely.\n');
    });
  }
});
