/**
 * A 5,000-line prompt (about 32k tokens) with the extension's real DocumentAnalyses and CodeLens
 * provider and the real analysis engine. A version whose text is one already analysed (a character
 * typed and deleted before the debounce ran out, undo back to it) gets that analysis back instead of
 * a full run; a real edit is analysed afresh, and its figures are exactly those of a full analysis
 * of the new text. Counted, not timed.
 */
import { describe, expect, it, vi } from 'vitest';
import { world } from '../workspaces/world';
import { bigPromptText, close, doc, keystroke, open, typing, type TypingDoc } from './typingWorld';
import type { Analyzer, Lens } from './typingModules';

vi.mock('vscode', async () => {
  const { world: w } = await import('../workspaces/world');
  const { typingVscode } = await import('./typingWorld');
  return typingVscode(w);
});

const { CostLensProvider, analyzeFile, analysesOf } = await import('./typingModules');

/** Backspace over the last character of line `line`: a new version, a change event. */
function backspace(d: TypingDoc, line: number): void {
  const lines = d.text.split('\n');
  lines[line] = (lines[line] ?? '').slice(0, -1);
  d.text = lines.join('\n');
  d.version++;
  for (const l of [...typing.changes]) l({ document: d, contentChanges: [{ text: '' }], reason: undefined });
}

const titles = (lenses: unknown[]) => (lenses as Lens[]).map((l) => l.command?.title);

describe('a 5,000-line prompt', () => {
  it('is not analysed again for a version with text already analysed, and an edit counts as a full analysis does', async () => {
    const runs: string[] = [];
    const analyzer: Analyzer = (input, settings, token) => {
      runs.push(input.text);
      return analyzeFile(input, settings, token ? { cancellation: token } : {});
    };
    const analyses = analysesOf(analyzer);
    const lenses = new CostLensProvider(analyses);
    const path = '/work/app/prompts/handbook.prompt.md';
    const d = doc(path, bigPromptText(5000), 'prompt');
    try {
      open(world, d);
      const first = titles(await lenses.provideCodeLenses(d as never));
      expect(first.length).toBeGreaterThan(0);
      expect(first[0]).toMatch(/\d/);
      expect(runs).toHaveLength(1);

      // Typed and deleted: two new versions, the text of the first.
      keystroke(d, 2500, 'x');
      backspace(d, 2500);
      expect(d.version).toBe(3);
      expect(titles(await lenses.provideCodeLenses(d as never))).toEqual(first);
      expect(runs).toHaveLength(1);

      // A real edit: analysed, and the figure is that of the whole new text analysed from scratch.
      keystroke(d, 2500, ' and the warranty terms of every product line');
      const edited = titles(await lenses.provideCodeLenses(d as never));
      expect(runs).toHaveLength(2);
      const fresh = await analyzeFile({ path, text: d.text, languageId: 'prompt' }, { defaultModel: 'gpt-4o-mini', comparisonModels: [] });
      const lens = (await analyses.analyze(d as never))!.calls[0]!;
      expect(lens.inputTokens).toBe(fresh.calls[0]!.inputTokens);
      expect(lens.inputTokens).toBeGreaterThan(20_000);
      expect(edited).not.toEqual(first);

      // Undo back to the opening text: its analysis again, not a third run.
      d.text = runs[0]!;
      d.version++;
      for (const l of [...typing.changes]) l({ document: d, contentChanges: [{ text: '' }], reason: undefined });
      // Only the last analysed text is kept: this one is analysed again, to the same figures.
      expect(titles(await lenses.provideCodeLenses(d as never))).toEqual(first);
    } finally {
      close(world, d);
      lenses.dispose();
      analyses.dispose();
    }
  }, 300_000);
});
