/**
 * A file over the size cap (here a 25,000-line generated TypeScript client) is never analysed while
 * typing. VS Code also opens documents nobody looks at — a references peek, a search preview, another
 * extension reading a file — and diagnostics are computed for every open document: the user is told
 * about the skipped file once it is on screen, not in a message about a file they never opened.
 */
import { describe, expect, it, vi } from 'vitest';
import { world } from '../workspaces/world';
import { bigTsText, close, doc, keystroke, open, typing } from './typingWorld';
import type { Analyzer } from './typingModules';

vi.mock('vscode', async () => {
  const { world: w } = await import('../workspaces/world');
  const { typingVscode } = await import('./typingWorld');
  return typingVscode(w);
});

const { documentSelector, CostDiagnostics, CostLensProvider, analysesOf } = await import('./typingModules');

describe('a file over the size cap', () => {
  it('opened out of sight: logged, not analysed, no message; on screen: told once, however much the user types', async () => {
    let analysed = 0;
    const analyzer: Analyzer = async () => {
      analysed++;
      return { kind: 'code', calls: [], diagnostics: [] };
    };
    const logged: string[] = [];
    const analyses = analysesOf(analyzer, (m) => logged.push(m));
    const diagnostics = new CostDiagnostics(analyses, documentSelector([]));
    const lenses = new CostLensProvider(analyses);
    const big = doc('/work/app/src/generated/apiClient.ts', bigTsText(25_000, 40), 'typescript');
    const messages = () => world.shown.filter((m) => m.text.includes('apiClient.ts'));
    try {
      open(world, big);
      await vi.waitFor(() => expect(logged.some((l) => l.includes('apiClient.ts has more than 20,000 lines'))).toBe(true));
      await new Promise((r) => setTimeout(r, 50));
      expect(messages()).toEqual([]);

      // The user opens it in an editor: VS Code asks for its CodeLens.
      typing.visible.push(big);
      expect(await lenses.provideCodeLenses(big as never)).toEqual([]);
      await vi.waitFor(() => expect(messages()).toHaveLength(1));
      expect(messages()[0]!.text).toContain('tollgate lint');

      for (let i = 0; i < 20; i++) {
        keystroke(big, 100, 'x');
        await lenses.provideCodeLenses(big as never);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(messages()).toHaveLength(1);
      expect(analysed).toBe(0);
    } finally {
      typing.visible.splice(0);
      close(world, big);
      lenses.dispose();
      diagnostics.dispose();
      analyses.dispose();
    }
  });
});
