/** A quick fix in a CRLF source file adds a CRLF line, not a lone LF among CRLF lines. */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

const crlf = (lines: string[]) => lines.join('\r\n');

describe('quick fixes in CRLF files', () => {
  it('TypeScript: the inserted property line ends with CRLF like its neighbours', async () => {
    const text = crlf([
      "import OpenAI from 'openai';",
      'const client = new OpenAI();',
      'export const r = client.chat.completions.create({',
      "  model: 'gpt-4o',",
      '  messages: [],',
      '});',
      '',
    ]);
    const [f] = (await analyzeFile({ path: 'a.ts', text })).diagnostics;
    const fixed = applyEdits(text, f!.fixes[0]!.edits);
    expect(fixed).toBe(text.replace("  messages: [],\r\n", "  messages: [],\r\n  max_completion_tokens: 1024,\r\n"));
    expect(fixed.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('Python: the inserted keyword line ends with CRLF like its neighbours', async () => {
    const text = crlf(['import anthropic', 'client = anthropic.Anthropic()', 'r = client.messages.create(', '    model="claude-sonnet-4-5",', '    messages=[]', ')', '']);
    const [f] = (await analyzeFile({ path: 'a.py', text })).diagnostics;
    const fixed = applyEdits(text, f!.fixes[0]!.edits);
    expect(fixed).toBe(text.replace('    messages=[]\r\n', '    messages=[],\r\n    max_tokens=1024\r\n'));
  });

  it('LF files keep LF', async () => {
    const text = ['import anthropic', 'client = anthropic.Anthropic()', 'r = client.messages.create(', '    model="claude-sonnet-4-5",', '    messages=[]', ')', ''].join('\n');
    const [f] = (await analyzeFile({ path: 'a.py', text })).diagnostics;
    expect(f!.fixes[0]!.edits[0]!.newText).toBe(',\n    max_tokens=1024');
  });
});
