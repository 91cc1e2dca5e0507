import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintCommand, runLint, type LintCommandIO } from '../../proxy/src/cli/lint';
import type { SarifLog } from '../../proxy/src/analysis/report/sarif';
import { RULES } from '../../proxy/src/analysis/index';
import { FIXTURES } from './support';

let repo: string;

function capture(): LintCommandIO & { stdout: () => string; stderr: () => string; codes: number[] } {
  let out = '';
  let err = '';
  const codes: number[] = [];
  return { out: (t) => void (out += t), err: (t) => void (err += t), cwd: repo, exit: (c) => void codes.push(c), stdout: () => out, stderr: () => err, codes };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'tollgate-lint-'));
  cpSync(join(FIXTURES, 'repo'), repo, { recursive: true });
  // Must be skipped by the walker (created here because node_modules/ is git-ignored).
  mkdirSync(join(repo, 'node_modules', 'pkg'), { recursive: true });
  writeFileSync(join(repo, 'node_modules', 'pkg', 'index.ts'), "client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n");
  mkdirSync(join(repo, '.git'), { recursive: true });
  writeFileSync(join(repo, '.git', 'x.ts'), "client.chat.completions.create({ model: 'gpt-4o', messages: [] });\n");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('tollgate lint', () => {
  it('text: walks the directory, skips node_modules/.git, honours suppressions, exits 1 on an error', async () => {
    const io = capture();
    const code = await runLint([], { format: 'text', maxSeverity: 'error' }, io);
    const out = io.stdout();
    expect(code).toBe(1);
    expect(out).toContain('src/chat.ts:5:');
    expect(out).toContain('anthropic-missing-max-tokens');
    expect(out).toContain('duplicate-instructions');
    expect(out).not.toContain('node_modules');
    expect(out).not.toContain('.git/');
    // The responses.create call on line 7 is suppressed by the comment above it.
    expect(out).not.toContain('src/chat.ts:7:');
  });

  it('exit code follows --max-severity', async () => {
    // Only warnings in the instruction files.
    expect(await runLint(['AGENTS.md', 'CLAUDE.md'], { format: 'text', maxSeverity: 'error' }, capture())).toBe(0);
    expect(await runLint(['AGENTS.md', 'CLAUDE.md'], { format: 'text', maxSeverity: 'warning' }, capture())).toBe(1);
    expect(await runLint(['src/chat.prompt.yml'], { format: 'text', maxSeverity: 'info' }, capture())).toBe(0);
  });

  it('sarif: valid 2.1.0 shape with the rule catalogue, 1-based regions and fixes', async () => {
    const io = capture();
    await runLint(['src'], { format: 'sarif', maxSeverity: 'error' }, io);
    const log = JSON.parse(io.stdout()) as SarifLog;
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    const [result] = run.results;
    expect(result).toMatchObject({ ruleId: 'anthropic-missing-max-tokens', level: 'error' });
    expect(run.tool.driver.rules[result!.ruleIndex]!.id).toBe(result!.ruleId);
    const loc = result!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toBe('src/chat.ts');
    expect(loc.region.startLine).toBe(5);
    expect(loc.region.startColumn).toBe("export const reply = () => ".length + 1);
    expect(result!.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent.text).toBe(', max_tokens: 1024');
  });

  it('json: per-file kinds, lenses and diagnostics', async () => {
    const io = capture();
    await runLint(['src/chat.prompt.yml'], { format: 'json', maxSeverity: 'error' }, io);
    const [file] = JSON.parse(io.stdout()) as Array<{ kind: string; model: string; calls: Array<{ inputTokens: number }>; diagnostics: unknown[] }>;
    expect(file).toMatchObject({ kind: 'github-prompt-yaml', model: 'gpt-4o', diagnostics: [] });
    expect(file!.calls[0]!.inputTokens).toBeGreaterThan(0);
  });

  it('--rule overrides severities', async () => {
    const io = capture();
    const code = await runLint(['src/chat.ts'], { format: 'text', maxSeverity: 'error', rule: ['anthropic-missing-max-tokens=info'] }, io);
    expect(code).toBe(0);
    expect(io.stdout()).toContain('info  anthropic-missing-max-tokens');
  });

  it('usage errors exit 2: missing path, bad format, bad --rule', async () => {
    const io = capture();
    expect(await runLint(['does-not-exist'], { format: 'text', maxSeverity: 'error' }, io)).toBe(2);
    expect(io.stderr()).toContain('no such file or directory');
    expect(await runLint(['.'], { format: 'text', maxSeverity: 'error', rule: ['politeness'] }, capture())).toBe(2);

    const viaCommander = capture();
    await expect(lintCommand(viaCommander).parseAsync(['--format', 'xml', '.'], { from: 'user' })).rejects.toThrow();
    expect(viaCommander.codes).toEqual([2]);
  });

  it('through commander: parses options and records the exit code', async () => {
    const io = capture();
    await lintCommand(io).parseAsync(['--format', 'json', '--max-severity', 'warning', 'AGENTS.md', 'CLAUDE.md'], { from: 'user' });
    expect(io.codes).toEqual([1]);
    expect(JSON.parse(io.stdout())[0].kind).toBe('always-on-instructions');
  });
});

describe('readInstructionFiles', () => {
  it('reads a workspace’s always-on files so the editor can pass them as relatedFiles', async () => {
    const { readInstructionFiles } = await import('../../proxy/src/analysis/workspace/instructions');
    const { analyzeFile } = await import('../../proxy/src/analysis/index');
    const files = readInstructionFiles(repo);
    expect(files.map((f) => f.path.slice(repo.length + 1)).sort()).toEqual(['.github/copilot-instructions.md', 'AGENTS.md', 'CLAUDE.md']);
    const claude = files.find((f) => f.path.endsWith('CLAUDE.md'))!;
    const r = await analyzeFile(claude, {}, { relatedFiles: files });
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['duplicate-instructions']);
  });
});
