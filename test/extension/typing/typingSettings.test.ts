/**
 * A setting changed while files are open. The ones the analysis reads (the default model, comparison
 * models, rule severities, prompt globs) re-analyse each open file once and refresh its CodeLens; the
 * others — the proxy port (which the extension itself writes when the user picks another port),
 * autoStart, the debounce — leave the results alone: no file is analysed again, and no file's
 * problems go blank while it would be.
 */
import { describe, expect, it, vi } from 'vitest';
import { changeSettings, world } from '../workspaces/world';
import { bigPromptText, close, doc, open, type TypingDoc } from './typingWorld';
import type { Analyzer, Lens } from './typingModules';

vi.mock('vscode', async () => {
  const { world: w } = await import('../workspaces/world');
  const { typingVscode } = await import('./typingWorld');
  return typingVscode(w);
});

const { documentSelector, CostDiagnostics, CostLensProvider, analyzeFile, analysesOf } = await import('./typingModules');

describe('settings changed with 12 files open', () => {
  it('re-analyse each file once for the default model, and not at all for the proxy port, autoStart or the debounce', async () => {
    let started = 0;
    const analyzer: Analyzer = (input, settings, token) => {
      started++;
      return analyzeFile(input, settings, token ? { cancellation: token } : {});
    };
    const analyses = analysesOf(analyzer);
    const diagnostics = new CostDiagnostics(analyses, documentSelector([]));
    const lenses = new CostLensProvider(analyses);
    let lensRefreshes = 0;
    lenses.onDidChangeCodeLenses(() => lensRefreshes++);
    // Prompt files without a model of their own: priced on tollgate.defaultModel.
    const text = bigPromptText(300).replace(/^---\nmodel: gpt-4o\n---\n/, '');
    const docs: TypingDoc[] = Array.from({ length: 12 }, (_, i) => doc(`/work/app/prompts/p${i}.prompt.md`, text, 'prompt'));
    const allShown = () => {
      for (const d of docs) expect(world.diagnostics.get(d.uri.fsPath)?.length, d.uri.fsPath).toBeGreaterThan(0);
    };
    try {
      for (const d of docs) open(world, d);
      await vi.waitFor(allShown, { timeout: 60_000 });
      expect(started).toBe(12);

      for (const change of [{ 'tollgate.proxy.port': 4242 }, { 'tollgate.autoStart': false }, { 'tollgate.diagnostics.debounceMs': 500 }]) {
        changeSettings(world, change);
        // Every file keeps its problems throughout.
        allShown();
        await new Promise((r) => setTimeout(r, 100));
        allShown();
      }
      expect(started).toBe(12);
      expect(lensRefreshes).toBe(0);

      changeSettings(world, { 'tollgate.defaultModel': 'gpt-4.1' });
      await vi.waitFor(() => expect(started).toBe(24), { timeout: 60_000 });
      expect(lensRefreshes).toBeGreaterThan(0);
      const lens = (await lenses.provideCodeLenses(docs[0] as never)) as Lens[];
      expect(lens[0]?.command?.title).toContain('gpt-4.1');
      await vi.waitFor(allShown, { timeout: 60_000 });
      expect(started).toBe(24);
    } finally {
      for (const d of docs) close(world, d);
      for (const k of ['tollgate.proxy.port', 'tollgate.autoStart', 'tollgate.diagnostics.debounceMs', 'tollgate.defaultModel']) delete world.settings[k];
      lenses.dispose();
      diagnostics.dispose();
      analyses.dispose();
    }
  }, 300_000);
});
