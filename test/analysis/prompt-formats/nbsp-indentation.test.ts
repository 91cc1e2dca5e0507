/**
 * YAML indents with spaces only. A line of front matter or a `.prompt.yml` indented with pasted
 * non-breaking spaces is read as a new top-level key: the output limit under it vanished without any
 * error, the file got a missing-limit finding, and its fix added a second `parameters:` key.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

const NBSP = '\u00a0';
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('non-breaking spaces in YAML indentation', () => {
  it('reads a Prompty limit indented with a non-breaking space and says so', async () => {
    const text = lines('---', 'model:', '  api: chat', '  configuration:', '    name: gpt-4o', '  parameters:', `  ${NBSP}max_tokens: 300`, '---', 'system:', 'You are a helpful assistant.');
    const r = await analyzeFile({ path: 'bot.prompty', text });
    expect(r.calls[0]!.worstCaseOutputUsd).toBeDefined();
    expect(r.diagnostics.map((d) => d.ruleId)).not.toContain('prompt-missing-output-limit');
    const err = r.diagnostics.filter((d) => d.ruleId === 'prompt-parse-error');
    expect(err).toHaveLength(1);
    expect(err[0]!.range.start).toEqual({ line: 6, character: 2 });
    expect(err[0]!.message).toMatch(/non-breaking spaces/);
    // The value was read and counted: the message must not claim it was not.
    expect(err[0]!.message).not.toMatch(/not counted/);
  });

  it('reads a .prompt.yml maxTokens indented with a non-breaking space', async () => {
    const text = lines('model: openai/gpt-4o-mini', 'modelParameters:', `${NBSP} maxTokens: 200`, 'messages:', '  - role: system', '    content: You are terse.');
    const r = await analyzeFile({ path: 'terse.prompt.yml', text });
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['prompt-parse-error']);
  });

  it('a non-breaking space inside a | block is prompt text, not indentation', async () => {
    const text = lines('model: openai/gpt-4o-mini', 'modelParameters:', '  maxTokens: 200', 'messages:', '  - role: system', '    content: |', '      You are terse.', `      ${NBSP}Indented on purpose.`);
    const r = await analyzeFile({ path: 'terse.prompt.yml', text });
    expect(r.diagnostics.filter((d) => d.ruleId === 'prompt-parse-error')).toEqual([]);
  });

  it('adds no second `parameters:` / `modelParameters:` key when one is already there', async () => {
    const prompty = lines('---', 'model:', '  api: chat', '  configuration:', '    name: gpt-4o', '  parameters:', '---', 'system:', 'You are a helpful assistant.');
    const gh = lines('model: openai/gpt-4o-mini', 'modelParameters:', 'messages:', '  - role: system', '    content: You are terse.');
    for (const [path, text] of [['bot.prompty', prompty], ['terse.prompt.yml', gh]] as const) {
      const r = await analyzeFile({ path, text });
      const missing = r.diagnostics.find((d) => d.ruleId === 'prompt-missing-output-limit');
      expect(missing).toBeDefined();
      for (const fix of missing!.fixes) {
        const fixed = applyEdits(text, fix.edits);
        const yaml = path.endsWith('.prompty') ? fixed.split('---\n')[1]! : fixed;
        // A duplicate key is an error for strict loaders (and js-yaml / PyYAML keep only the last).
        expect(() => parse(yaml, { uniqueKeys: true })).not.toThrow();
      }
    }
  });
});
