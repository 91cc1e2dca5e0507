/** duplicate-text: alternatives are separate prompts, repeated lines are found, fixes keep lists tidy. */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { applyEdits } from './support';

const SHARED = 'You are a careful support assistant for the Acme billing product.';

describe('duplicate-text', () => {
  it('treats promptfoo prompts as alternatives: text shared between variants is not a duplicate', async () => {
    const text = [
      'prompts:',
      `  - '${SHARED} Answer briefly: {{q}}'`,
      `  - '${SHARED} Answer in detail: {{q}}'`,
      `  - '${SHARED} Answer as a list: {{q}}'`,
      'providers:',
      '  - id: openai:gpt-4o-mini',
      '    config:',
      '      max_tokens: 200',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'promptfooconfig.yaml', text });
    expect(r.diagnostics.filter((d) => d.ruleId === 'duplicate-text')).toEqual([]);
  });

  it('still finds a repeat inside one promptfoo variant', async () => {
    const text = ['prompts:', `  - '${SHARED} ${SHARED} {{q}}'`, 'providers:', '  - id: openai:gpt-4o-mini', '    config:', '      max_tokens: 200', ''].join('\n');
    const r = await analyzeFile({ path: 'promptfooconfig.yaml', text });
    expect(r.diagnostics.filter((d) => d.ruleId === 'duplicate-text')).toHaveLength(1);
  });

  it('flags a verbatim repeated line of an instruction file, says where the first copy is, and the fix leaves no blank line', async () => {
    const text = ['# Rules', '', '- Use TypeScript strict mode.', '- Keep answers short.', '- Use TypeScript strict mode.', '- Cite the file you read.', ''].join('\n');
    const r = await analyzeFile({ path: 'AGENTS.md', text });
    const d = r.diagnostics.filter((f) => f.ruleId === 'duplicate-text');
    expect(d).toHaveLength(1);
    expect(d[0]!.range.start.line).toBe(4);
    expect(d[0]!.message).toContain('repeats line 3');
    const fixed = applyEdits(text, d[0]!.fixes[0]!.edits);
    expect(fixed).toBe(['# Rules', '', '- Use TypeScript strict mode.', '- Keep answers short.', '- Cite the file you read.', ''].join('\n'));
    const again = await analyzeFile({ path: 'AGENTS.md', text: fixed });
    expect(again.diagnostics.filter((f) => f.ruleId === 'duplicate-text')).toEqual([]);
  });

  it('a repeated sentence names the line of its first copy', async () => {
    const text = `${SHARED} Reply in English.\n\nBe precise. ${SHARED}\n`;
    const r = await analyzeFile({ path: 'prompts/support.prompt.md', text });
    const d = r.diagnostics.filter((f) => f.ruleId === 'duplicate-text');
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toContain('repeats line 1');
  });
});
