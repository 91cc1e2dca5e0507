/**
 * Prompt and instruction files saved as UTF-16 (Windows PowerShell 5's `>` and `Out-File` write
 * UTF-16LE with a byte-order mark) read as VS Code reads them, not as NUL-riddled UTF-8.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzePaths } from '../../proxy/src/analysis/workspace/collect';
import { readInstructionFiles } from '../../proxy/src/analysis/workspace/instructions';

const PROMPT = '---\r\nmodel: gpt-4o\r\n---\r\nYou are a helpful assistant 🤖 for Zoë.\r\n\r\nPlease explain in as much detail as possible.\r\n';

const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);
const utf8bom = (s: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s, 'utf8')]);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-enc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tollgate lint on files that are not plain UTF-8', () => {
  it('counts, prices and reports a UTF-16 prompt exactly as its UTF-8 twin', async () => {
    const ws = mkdtempSync(join(dir, 'ws-'));
    mkdirSync(join(ws, 'prompts'));
    writeFileSync(join(ws, 'prompts', 'a-utf8.prompt.md'), PROMPT);
    writeFileSync(join(ws, 'prompts', 'b-utf16le.prompt.md'), utf16le(PROMPT));
    writeFileSync(join(ws, 'prompts', 'c-utf16be.prompt.md'), utf16be(PROMPT));
    writeFileSync(join(ws, 'prompts', 'd-utf8bom.prompt.md'), utf8bom(PROMPT));
    const results = await analyzePaths([ws]);
    expect(results).toHaveLength(4);
    const summary = results.map((r) => ({
      text: r.text,
      model: r.model,
      tokens: r.calls.map((c) => c.inputTokens),
      findings: r.diagnostics.map((d) => `${d.ruleId}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`),
    }));
    expect(summary[0]!.model).toBe('gpt-4o');
    expect(summary[0]!.findings.length).toBeGreaterThan(0);
    for (const s of summary.slice(1)) expect(s).toEqual(summary[0]);
  });

  it('reads UTF-16 instruction files for the cross-file duplicate check', () => {
    const ws = mkdtempSync(join(dir, 'inst-'));
    const agents = '# Rules\r\n\r\nAlways run the tests before committing.\r\n';
    writeFileSync(join(ws, 'AGENTS.md'), utf16le(agents));
    const [file] = readInstructionFiles(ws);
    expect(file!.text).toBe(agents);
  });
});
