/**
 * The editor's cross-file duplicate check on case-insensitive file systems (macOS, Windows): the
 * open instruction file, named with other casing than the workspace folder has, is not its own duplicate.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

let root = '';
vi.mock('vscode', () => ({
  Uri: { file: (fsPath: string) => ({ fsPath }) },
  // VS Code matches the folder ignoring case on macOS and Windows; it reports the folder as opened.
  workspace: { getWorkspaceFolder: () => ({ uri: { fsPath: root } }) },
}));
vi.mock('../../extension/src/deferred/load', async () => {
  const { analyzeFile } = await import('../../proxy/src/analysis/index');
  const { readInstructionFiles } = await import('../../proxy/src/analysis/workspace/instructions');
  return { loadDeferred: () => ({ analyzeFile, readInstructionFiles }) };
});
const { loadAnalyzer } = await import('../../extension/src/analysis/engine');
const { samePath } = await import('../../extension/src/analysis/instructionPeers');

const AGENTS = '# Rules\n\nAlways write unit tests for every new function you add to the codebase, and run them before committing.\n\nUse TypeScript strict mode everywhere in this repository.\n';
const CLAUDE = '# Claude\n\nUse TypeScript strict mode everywhere in this repository.\n';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tollgate-peers-'));
  root = join(tmp, 'Repo');
  mkdirSync(root);
  writeFileSync(join(root, 'AGENTS.md'), AGENTS);
  writeFileSync(join(root, 'CLAUDE.md'), CLAUDE);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('instruction files opened under another casing', () => {
  it('macOS: repo/AGENTS.md is the file Repo/AGENTS.md, so only the paragraph CLAUDE.md repeats is reported', async () => {
    const analyze = await loadAnalyzer('darwin');
    const r = await analyze({ path: join(tmp, 'repo', 'AGENTS.md'), text: AGENTS }, {});
    const dups = r.diagnostics.filter((d) => d.ruleId === 'duplicate-instructions');
    expect(dups.map((d) => [d.range.start.line, d.message.includes('CLAUDE.md')])).toEqual([[4, true]]);
  });

  it('macOS: a lower-case agents.md is an instruction file in the editor as in tollgate lint', async () => {
    const analyze = await loadAnalyzer('darwin');
    const r = await analyze({ path: join(root, 'agents.md'), text: AGENTS }, {});
    expect(r.diagnostics.filter((d) => d.ruleId === 'duplicate-instructions').map((d) => d.range.start.line)).toEqual([4]);
  });

  it('compares paths as each platform does', () => {
    expect(samePath('c:\\Repo\\AGENTS.md', 'C:/repo/agents.md', 'win32')).toBe(true);
    expect(samePath('/Users/zoë/Repo/AGENTS.md', '/Users/zo\u0065\u0308/repo/agents.md', 'darwin')).toBe(true);
    expect(samePath('/home/z/Repo/AGENTS.md', '/home/z/repo/AGENTS.md', 'linux')).toBe(false);
  });
});
