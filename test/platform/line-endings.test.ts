/**
 * Text as Windows and old Mac tools write it: CRLF instruction files beside LF ones, and lone-CR
 * line breaks, in the editor's analysis and in `tollgate lint`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis/index';
import { LineIndex } from '../../proxy/src/analysis/text/line-index';
import { paragraphs } from '../../proxy/src/analysis/text/segments';
import { analyzePaths } from '../../proxy/src/analysis/workspace/collect';

const SHARED = 'Always write unit tests for every new function you add to the codebase, and run them before committing.';
const AGENTS = `# Rules\n\n${SHARED}\n\nUse TypeScript strict mode everywhere.\n`;
const CLAUDE = `# Claude\n\n${SHARED}\n\nPrefer small commits with clear messages.\n`;
const crlf = (s: string) => s.replace(/\n/g, '\r\n');
const cr = (s: string) => s.replace(/\n/g, '\r');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-eol-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('paragraphs with Windows and old-Mac line breaks', () => {
  it('splits at blank lines whatever the line break', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['one two', '', 'three four', ' \t', '', 'five'].join(eol);
      expect(paragraphs(text).map((p) => p.text)).toEqual(['one two', 'three four', 'five']);
    }
  });
});

describe('duplicate-instructions across files with different line endings', () => {
  it('finds the repeated paragraph when the open file is LF and its sibling on disk is CRLF (and the reverse)', async () => {
    for (const [own, other] of [
      [AGENTS, crlf(CLAUDE)],
      [AGENTS, `\uFEFF${crlf(CLAUDE)}`],
      [crlf(AGENTS), CLAUDE],
    ] as const) {
      const r = await analyzeFile({ path: '/ws/AGENTS.md', text: own }, {}, { relatedFiles: [{ path: '/ws/CLAUDE.md', text: other }] });
      const dup = r.diagnostics.filter((d) => d.ruleId === 'duplicate-instructions');
      expect(dup.map((d) => d.range.start.line)).toEqual([2]);
      expect(dup[0]!.message).toContain('CLAUDE.md');
    }
  });

  it('tollgate lint reports it in a checkout where one instruction file has CRLF endings', async () => {
    const ws = mkdtempSync(join(dir, 'ws-'));
    writeFileSync(join(ws, 'AGENTS.md'), AGENTS);
    writeFileSync(join(ws, 'CLAUDE.md'), crlf(CLAUDE));
    const results = await analyzePaths([ws]);
    const dups = results.flatMap((r) => r.diagnostics.filter((d) => d.ruleId === 'duplicate-instructions').map((d) => `${r.path.slice(ws.length + 1)}:${d.range.start.line}`));
    expect(dups.sort()).toEqual(['AGENTS.md:2', 'CLAUDE.md:2']);
  });
});

describe('lone CR line breaks', () => {
  it('LineIndex counts a lone CR as a line break, as VS Code does, and CRLF as one', () => {
    const text = 'ab\rcd\r\nef\ngh';
    const idx = new LineIndex(text);
    expect(idx.positionAt(text.indexOf('c'))).toEqual({ line: 1, character: 0 });
    expect(idx.positionAt(text.indexOf('e'))).toEqual({ line: 2, character: 0 });
    expect(idx.positionAt(text.indexOf('h'))).toEqual({ line: 3, character: 1 });
    expect(idx.offsetAt({ line: 1, character: 1 })).toBe(text.indexOf('d'));
  });

  it('tollgate lint reads a CR-only prompt file: front matter model, findings on their own lines', async () => {
    const ws = mkdtempSync(join(dir, 'cr-'));
    const lf = '---\nmodel: gpt-4o\n---\nYou are a helpful assistant.\n\nPlease explain in as much detail as possible.\n';
    writeFileSync(join(ws, 'ask.prompt.md'), cr(lf));
    writeFileSync(join(ws, 'ask-lf.prompt.md'), lf);
    const [crResult, lfResult] = await analyzePaths([join(ws, 'ask.prompt.md'), join(ws, 'ask-lf.prompt.md')]);
    expect(crResult!.model).toBe('gpt-4o');
    const where = (r: typeof crResult) => r!.diagnostics.map((d) => `${d.ruleId}@${d.range.start.line}:${d.range.start.character}`).sort();
    expect(where(crResult)).toEqual(where(lfResult));
    expect(where(crResult).some((w) => w.endsWith('@5:0'))).toBe(true);
    expect(crResult!.calls[0]!.inputTokens).toBe(lfResult!.calls[0]!.inputTokens);
  });

  it('tollgate lint reads a CR-only .prompt.yml (no YAML errors, the model found)', async () => {
    const ws = mkdtempSync(join(dir, 'cryml-'));
    const lf = 'model: openai/gpt-4o\nmodelParameters:\n  maxTokens: 500\nmessages:\n  - role: system\n    content: You are terse.\n  - role: user\n    content: "{{q}}"\n';
    writeFileSync(join(ws, 'x.prompt.yml'), cr(lf));
    const [r] = await analyzePaths([join(ws, 'x.prompt.yml')]);
    expect(r!.diagnostics.filter((d) => d.ruleId === 'prompt-parse-error')).toEqual([]);
    expect(r!.model).toBe('gpt-4o');
    expect(r!.calls[0]!.perMessage.map((m) => m.range.start.line)).toEqual([5, 7]);
  });
});
