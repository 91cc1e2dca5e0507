/**
 * A `>` folded (or multi-line plain or quoted) YAML prompt joins its file lines with spaces, so a value line is
 * not found in the file as one piece: findings in it were placed on the `content: >` header, and
 * "repeats line N" named the wrong line. Each character is now traced to its file line.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { LineIndex } from '../../../proxy/src/analysis/text/line-index';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const REPEAT = 'Keep every bullet under fifteen words.';

function textAt(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const idx = new LineIndex(text);
  return text.slice(idx.offsetAt(range.start), idx.offsetAt(range.end));
}

describe('findings inside folded YAML prompts', () => {
  it('.prompt.yml `>` block: the repeat is marked where it is, and the first copy named', async () => {
    const text = lines(
      'model: openai/gpt-4o-mini',
      'modelParameters:',
      '  maxTokens: 300',
      'messages:',
      '  - role: system',
      '    content: >',
      '      You write release notes for a mobile banking app.',
      `      ${REPEAT}`,
      '',
      `      ${REPEAT} Use   plain    words.`,
      '  - role: user',
      "    content: '{{changes}}'",
    );
    const r = await analyzeFile({ path: 'notes.prompt.yml', text });
    const dup = r.diagnostics.find((d) => d.ruleId === 'duplicate-text')!;
    expect(dup.range.start.line).toBe(9);
    expect(textAt(text, dup.range)).toBe(REPEAT);
    expect(dup.message).toMatch(/repeats line 8\b/);
    const ws = r.diagnostics.find((d) => d.ruleId === 'wasteful-formatting')!;
    expect(ws.range.start.line).toBe(9);
    expect(textAt(text, ws.range)).toBe('   ');
    // Whatever fixes are offered keep the YAML readable.
    for (const d of r.diagnostics) for (const f of d.fixes) expect(() => parse(applyEdits(text, f.edits))).not.toThrow();
  });

  it('promptfoo multi-line quoted prompt: a politeness finding sits on its own line', async () => {
    const text = lines(
      'prompts:',
      '  - "You are a terse assistant for a hardware store.',
      '    Please answer stock questions with a number.',
      '    Question: {{question}}"',
      'providers:',
      '  - id: openai:gpt-4o-mini',
      '    config:',
      '      max_tokens: 200',
    );
    const r = await analyzeFile({ path: 'promptfooconfig.yaml', text });
    const polite = r.diagnostics.find((d) => d.ruleId === 'politeness')!;
    expect(polite.range.start.line).toBe(2);
    expect(textAt(text, polite.range)).toBe('Please');
  });
});
