/**
 * An always-on instruction file is analysed with its peers as they are on disk (a paragraph in both
 * AGENTS.md and .github/copilot-instructions.md is sent twice on every request). When a peer is
 * saved, or written by another program, the open instruction file is analysed again with the new
 * peer: its diagnostics and CodeLens follow, with no edit of its own. Other open documents are not
 * analysed again. Real DocumentAnalyses, diagnostics, engine (from source) and files on disk.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { addFolder, world } from '../workspaces/world';
import { close, doc, fileEvent, open } from './typingWorld';
import type { Analyzer } from './typingModules';

vi.mock('vscode', async () => {
  const { world: w } = await import('../workspaces/world');
  const { typingVscode } = await import('./typingWorld');
  return typingVscode(w);
});
// The analysis engine the extension loads from its deferred bundle, here from the source.
vi.mock('../../../extension/src/deferred/load', async () => {
  const { analyzeFile } = await import('../../../proxy/src/analysis/index');
  const { readInstructionFiles } = await import('../../../proxy/src/analysis/workspace/instructions');
  return { loadDeferred: () => ({ analyzeFile, readInstructionFiles }) };
});

const { documentSelector, CostDiagnostics, analysesOf } = await import('./typingModules');
const { loadAnalyzer } = await import('../../../extension/src/analysis/engine');

const root = mkdtempSync(join(tmpdir(), 'tollgate instruction peers '));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SHARED = 'Always answer in British English and cite the section of the handbook you used.';
const duplicate = (path: string) => (world.diagnostics.get(path) ?? []).filter((d) => d.message.includes('also in copilot-instructions.md'));

describe('an open instruction file whose peer changes on disk', () => {
  it('is analysed again with the new peer; other documents are not', async () => {
    addFolder(world, root);
    world.settings['tollgate.diagnostics.debounceMs'] = 0;
    const agents = join(root, 'AGENTS.md');
    const peer = join(root, '.github', 'copilot-instructions.md');
    const prompt = join(root, 'ask.prompt.md');
    mkdirSync(join(root, '.github'));
    writeFileSync(agents, `# Agents\n\n${SHARED}\n`);
    writeFileSync(peer, '# Copilot\n\nUse the repository scripts to run the tests before every commit.\n');
    writeFileSync(prompt, 'Please list all the products.\n');
    const real = await loadAnalyzer('linux');
    const analysed: string[] = [];
    const analyzer: Analyzer = (input, settings, token) => {
      analysed.push(input.path);
      return real(input, settings, token);
    };
    const analyses = analysesOf(analyzer);
    const diagnostics = new CostDiagnostics(analyses, documentSelector([]));
    const docs = [doc(agents, `# Agents\n\n${SHARED}\n`, 'markdown'), doc(prompt, 'Please list all the products.\n', 'prompt')];
    try {
      for (const d of docs) open(world, d);
      await vi.waitFor(() => expect(analysed.sort()).toEqual([agents, prompt]), { timeout: 30_000 });
      await vi.waitFor(() => expect(world.diagnostics.has(agents)).toBe(true), { timeout: 30_000 });
      expect(duplicate(agents)).toEqual([]);

      // The peer saved with the same paragraph: AGENTS.md reports it, though AGENTS.md did not change.
      writeFileSync(peer, `# Copilot\n\n${SHARED}\n`);
      fileEvent(peer, 'change');
      await vi.waitFor(() => expect(duplicate(agents)).toHaveLength(1), { timeout: 30_000 });
      expect(analysed.filter((p) => p === prompt)).toHaveLength(1);

      // Taken out again: the same AGENTS.md text as the first analysis, but not its stale answer.
      writeFileSync(peer, '# Copilot\n\nRun the linter.\n');
      fileEvent(peer, 'change');
      await vi.waitFor(() => expect(duplicate(agents)).toEqual([]), { timeout: 30_000 });

      // A peer created, then deleted.
      const scoped = join(root, '.github', 'instructions', 'style.instructions.md');
      mkdirSync(join(root, '.github', 'instructions'));
      writeFileSync(scoped, `${SHARED}\n`);
      fileEvent(scoped, 'create');
      await vi.waitFor(() => expect((world.diagnostics.get(agents) ?? []).some((d) => d.message.includes('also in style.instructions.md'))).toBe(true), { timeout: 30_000 });
      rmSync(scoped);
      fileEvent(scoped, 'delete');
      await vi.waitFor(() => expect((world.diagnostics.get(agents) ?? []).some((d) => d.message.includes('also in'))).toBe(false), { timeout: 30_000 });
      expect(analysed.filter((p) => p === prompt)).toHaveLength(1);
    } finally {
      for (const d of docs) close(world, d);
      diagnostics.dispose();
      analyses.dispose();
    }
  }, 120_000);
});
