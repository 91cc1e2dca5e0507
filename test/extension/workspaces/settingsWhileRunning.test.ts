/**
 * Settings edited while the extension runs take effect without a window reload: new
 * `tollgate.promptGlobs` bring CodeLens, diagnostics and quick fixes to the files they now name (and
 * take them from files they no longer name), and diagnostics turned back on reach every open file.
 * The extension is activated from source against the stand-in `vscode`, with the real analysis engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fakeDocument } from '../support/vscodeStub.cjs';
import { changeSettings, context, selectorMatches, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});
// The analysis engine the extension loads from its deferred bundle, here from the source.
vi.mock('../../../extension/src/deferred/load', async () => {
  const { analyzeFile } = await import('../../../proxy/src/analysis/index');
  const { readInstructionFiles } = await import('../../../proxy/src/analysis/workspace/instructions');
  return { loadDeferred: () => ({ analyzeFile, readInstructionFiles }) };
});

const { activate } = await import('../../../extension/src/extension');
const { CostDiagnostics } = await import('../../../extension/src/diagnostics/costDiagnostics');
type Analyses = ConstructorParameters<typeof CostDiagnostics>[0];

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate settings while running '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPT = 'You are a helpful assistant. Please list all the products, as long as possible. Thank you!\n';
type Lens = { command?: { title: string } };
type LensProvider = { provideCodeLenses(doc: unknown): Promise<Lens[]> };

describe('tollgate.promptGlobs edited while running', () => {
  it('files the new globs name get CodeLens and diagnostics at once; files they no longer name lose them', async () => {
    world.settings['tollgate.autoStart'] = false;
    const template = fakeDocument(join(dir, 'app', 'templates', 'support.txt'), PROMPT, 'plaintext');
    const old = fakeDocument(join(dir, 'app', 'prompts', 'old.txt'), PROMPT, 'plaintext');
    world.documents.push(template, old);
    const ctx = context(root, join(dir, 'storage'));
    activate(ctx as never);
    try {
      const live = () => world.registrations.filter((r) => r.kind === 'codeLens' && !r.disposed);
      expect(live()).toHaveLength(1);
      expect(selectorMatches(live()[0]!.selector, template)).toBe(false);
      // The default globs cover prompts/**: the old file is analysed at activation.
      await vi.waitFor(() => expect(world.diagnostics.get(old.uri.fsPath)?.length).toBeGreaterThan(0), { timeout: 30_000 });

      changeSettings(world, { 'tollgate.promptGlobs': ['templates/*.txt'] });
      expect(live()).toHaveLength(1);
      expect(selectorMatches(live()[0]!.selector, template)).toBe(true);
      expect(selectorMatches(live()[0]!.selector, old)).toBe(false);
      const actions = world.registrations.filter((r) => r.kind === 'codeActions' && !r.disposed);
      expect(actions).toHaveLength(1);
      expect(selectorMatches(actions[0]!.selector, template)).toBe(true);
      // Diagnostics and CodeLens for the file the new glob names, without a reload or an edit.
      await vi.waitFor(() => expect(world.diagnostics.get(template.uri.fsPath)?.length).toBeGreaterThan(0), { timeout: 30_000 });
      const lenses = await (live()[0]!.provider as LensProvider).provideCodeLenses(template);
      expect(lenses.length).toBeGreaterThan(0);
      expect(lenses[0]!.command?.title).toMatch(/tokens/);
      // The file no glob names any more keeps no stale problems.
      expect(world.diagnostics.has(old.uri.fsPath)).toBe(false);
    } finally {
      for (const d of ctx.subscriptions as Array<{ dispose(): void }>) d.dispose();
      world.documents.splice(0);
    }
  });
});

describe('tollgate.diagnostics.enabled turned back on', () => {
  it('analyses open files nothing analysed while it was off', async () => {
    world.settings['tollgate.diagnostics.enabled'] = false;
    const doc = fakeDocument(join(dir, 'prompts', 'a.prompt.txt'), PROMPT, 'plaintext');
    world.documents.push(doc);
    const analysed: string[] = [];
    // No CodeLens provider asked for it either (CodeLens off, or the file not visible): no cached run.
    const analyses = {
      analyze: async (d: { uri: { fsPath: string } }) => {
        analysed.push(d.uri.fsPath);
        return { kind: 'prompt', calls: [], diagnostics: [{ ruleId: 'politeness', message: 'polite', severity: 'hint', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } }, fixes: [] }] };
      },
      onDidChange: () => ({ dispose() {} }),
    } as unknown as Analyses;
    const diagnostics = new CostDiagnostics(analyses, [{ pattern: '**/*.prompt.txt' }]);
    try {
      await new Promise((r) => setTimeout(r, 50));
      expect(analysed).toEqual([]);
      changeSettings(world, { 'tollgate.diagnostics.enabled': true });
      await vi.waitFor(() => expect(world.diagnostics.get(doc.uri.fsPath)).toHaveLength(1));
    } finally {
      diagnostics.dispose();
      world.documents.splice(0);
    }
  });
});
