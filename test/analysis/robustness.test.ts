import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeFile, type Range } from '../../proxy/src/analysis/index';

const PATHS = ['a.prompty', 'a.prompt.yml', 'promptfooconfig.yaml', 'a.prompt.md', 'AGENTS.md', 'a.ts', 'a.py'];

/** Text built from the pieces prompt formats and calls are made of, so the parsers see near-valid input. */
const pieces = fc.constantFrom(
  '---\n', 'model:\n', '  parameters:\n', '    max_tokens: 10\n', 'system:\n', 'user:\n', 'assistant:\n', 'messages:\n', '  - role: user\n',
  '    content: |\n', '      hi {{x}}\n', 'providers:\n', '  - openai:gpt-4o\n', 'prompts:\n', "  - 'x {{y}}'\n", '```json\n{\n  "a": 1\n}\n```\n',
  'client.chat.completions.create({ model: "gpt-4o", ', '...x', ' })\n', 'ChatOpenAI(max_tokens=1, ', '**kw)\n', 'Please list all items.\n',
  '\n\n\n', '==========\n', 'é👍 ', '${input:x}', '// tollgate-disable-next-line\n', '"""', '{', '}', '(', ')',
);

function inside(r: Range, lines: string[]): boolean {
  const ok = (p: Range['start']) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line]!.length;
  return ok(r.start) && ok(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
}

describe('analyzeFile on malformed input', () => {
  it('never throws and keeps every range and edit inside the document', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), fc.array(pieces, { maxLength: 25 }), async (path, parts) => {
        const text = parts.join('');
        const lines = text.split('\n');
        const r = await analyzeFile({ path, text });
        for (const d of r.diagnostics) {
          expect(inside(d.range, lines)).toBe(true);
          for (const f of d.fixes) for (const e of f.edits) expect(inside(e.range, lines)).toBe(true);
        }
        for (const c of r.calls) {
          expect(inside(c.range, lines)).toBe(true);
          expect(Number.isFinite(c.inputTokens) && c.inputTokens >= 0).toBe(true);
        }
      }),
      { numRuns: 60, seed: 10 },
    );
  });
});
