/**
 * Typing into a 1,500-line prompt and a 3,000-line TypeScript file with 40 LLM calls, one keystroke
 * at a time, with the extension's real DocumentAnalyses, CodeLens and diagnostics providers and the
 * real analysis engine. The analysis of a version the user has already typed past is of no use to
 * anyone, nor is one every request for has been cancelled (the user left the editor): both stop at
 * their next step instead of running to the end. Counted, not timed: each analysis is held at a gate
 * (a busy extension host) until the test releases it.
 */
import { describe, expect, it, vi } from 'vitest';
import { world } from '../workspaces/world';
import { bigPromptText, bigTsText, close, doc, keystroke, open, type TypingDoc } from './typingWorld';
import type { Analyzer, Lens } from './typingModules';

vi.mock('vscode', async () => {
  const { world: w } = await import('../workspaces/world');
  const { typingVscode } = await import('./typingWorld');
  return typingVscode(w);
});

const { documentSelector, CostDiagnostics, CostLensProvider, analyzeFile, analysesOf } = await import('./typingModules');

/** The real engine behind a gate, counting what each analysis came to and for which text. */
function gatedEngine() {
  const waiting: Array<() => void> = [];
  let open = false;
  const stats = { started: 0, completed: 0, cancelled: 0, completedStale: 0 };
  let current: () => string = () => '';
  const analyzer: Analyzer = async (input, settings, token) => {
    stats.started++;
    if (!open) await new Promise<void>((r) => waiting.push(r));
    try {
      const r = await analyzeFile(input, settings, token ? { cancellation: token } : {});
      stats.completed++;
      if (input.text !== current()) stats.completedStale++;
      return r;
    } catch (e) {
      stats.cancelled++;
      throw e;
    }
  };
  const analyses = analysesOf(analyzer);
  return {
    analyses,
    stats,
    /** The text the user has now (an analysis of any other text is stale when it completes). */
    watch: (d: TypingDoc) => {
      current = () => d.text;
    },
    release: () => {
      for (const r of waiting.splice(0)) r();
    },
    hold: () => {
      open = false;
    },
    openGate: () => {
      open = true;
      for (const r of waiting.splice(0)) r();
    },
  };
}

/** A VS Code CancellationToken that the test cancels. */
function cancellable() {
  const t = {
    isCancellationRequested: false,
    onCancellationRequested: () => ({ dispose() {} }),
    cancel: () => {
      t.isCancellationRequested = true;
    },
  };
  return t;
}

const waitSettled = (s: { started: number; completed: number; cancelled: number }) =>
  vi.waitFor(() => expect(s.completed + s.cancelled).toBe(s.started), { timeout: 60_000, interval: 5 });

const FILES = [
  ['a 1,500-line prompt', '/work/app/prompts/support.prompt.md', 'prompt', () => bigPromptText(1500), 10],
  ['a 3,000-line TypeScript file with 40 calls', '/work/app/src/calls.ts', 'typescript', () => bigTsText(3000, 40), 1500],
] as const;

describe('typing one keystroke at a time', () => {
  for (const [what, path, languageId, text, line] of FILES) {
    it(`in ${what}: 20 bursts of 10 keystrokes, CodeLens asked after each, the user typing on while it runs: no analysis of a passed version runs to its end`, async () => {
      world.settings['tollgate.diagnostics.debounceMs'] = 60_000;
      const engine = gatedEngine();
      const lenses = new CostLensProvider(engine.analyses);
      const diagnostics = new CostDiagnostics(engine.analyses, documentSelector([]));
      const d = doc(path, text(), languageId);
      engine.watch(d);
      try {
        open(world, d);
        engine.openGate();
        // Opening analyses once (diagnostics), to the end.
        await vi.waitFor(() => expect(world.diagnostics.get(path)?.length).toBeGreaterThan(0), { timeout: 60_000 });
        const opened = { ...engine.stats };
        expect(opened).toMatchObject({ started: 1, completed: 1, completedStale: 0 });
        engine.hold();
        let asked = 0;
        for (let burst = 0; burst < 20; burst++) {
          for (let k = 0; k < 10; k++) keystroke(d, line, 'x');
          // VS Code asks for CodeLens once the burst pauses; the analysis is held (a busy host)…
          const request = lenses.provideCodeLenses(d as never, cancellable() as never);
          asked++;
          await vi.waitFor(() => expect(engine.stats.started).toBe(opened.started + asked));
          // …and the user types on before it finishes; then the host gets to it.
          keystroke(d, line, 'y');
          engine.release();
          await request;
        }
        await waitSettled(engine.stats);
        const typed = { started: engine.stats.started - opened.started, completed: engine.stats.completed - opened.completed, stale: engine.stats.completedStale };
        expect(typed.started).toBe(asked);
        // Each run was for a version the user had already typed past: none ran to its end.
        expect(typed.stale).toBe(0);
        expect(typed.completed).toBe(0);
        // The user stops typing: the current version is analysed once and shown.
        engine.openGate();
        const final = (await lenses.provideCodeLenses(d as never, cancellable() as never)) as Lens[];
        expect(final.length).toBeGreaterThan(0);
        expect(engine.stats).toMatchObject({ started: opened.started + asked + 1, completed: opened.completed + 1, completedStale: 0 });
      } finally {
        close(world, d);
        diagnostics.dispose();
        lenses.dispose();
        engine.analyses.dispose();
        delete world.settings['tollgate.diagnostics.debounceMs'];
      }
    }, 300_000);
  }
});

describe('a cancelled CodeLens request', () => {
  const path = '/work/app/src/agent.ts';

  it('stops its analysis when no other request waits for it, and a later request starts afresh', async () => {
    const engine = gatedEngine();
    const lenses = new CostLensProvider(engine.analyses);
    const d = doc(path, bigTsText(3000, 40), 'typescript');
    engine.watch(d);
    world.documents.push(d);
    try {
      engine.hold();
      const token = cancellable();
      const request = lenses.provideCodeLenses(d as never, token as never);
      await vi.waitFor(() => expect(engine.stats.started).toBe(1));
      // The user switches to another editor: VS Code cancels the request.
      token.cancel();
      engine.release();
      expect(await request).toEqual([]);
      await waitSettled(engine.stats);
      expect(engine.stats).toMatchObject({ started: 1, completed: 0, cancelled: 1 });
      // Back to the editor: the same version is asked again and analysed to the end.
      engine.openGate();
      const again = (await lenses.provideCodeLenses(d as never, cancellable() as never)) as Lens[];
      expect(again).toHaveLength(40);
      expect(engine.stats).toMatchObject({ started: 2, completed: 1 });
    } finally {
      world.documents.splice(world.documents.indexOf(d), 1);
      lenses.dispose();
      engine.analyses.dispose();
    }
  }, 120_000);

  it('leaves the analysis running when another request still waits for it (one analysis for both)', async () => {
    const engine = gatedEngine();
    const lenses = new CostLensProvider(engine.analyses);
    const d = doc(path, bigTsText(3000, 40), 'typescript');
    engine.watch(d);
    world.documents.push(d);
    try {
      engine.hold();
      const first = cancellable();
      const second = cancellable();
      const cancelled = lenses.provideCodeLenses(d as never, first as never);
      const kept = lenses.provideCodeLenses(d as never, second as never);
      // Quick fixes and diagnostics ask without a token of their own: they always get their answer.
      const untokened = engine.analyses.analyze(d as never);
      await vi.waitFor(() => expect(engine.stats.started).toBe(1));
      first.cancel();
      engine.release();
      expect(((await kept) as Lens[]).length).toBe(40);
      expect((await untokened)?.calls).toHaveLength(40);
      await cancelled;
      expect(engine.stats).toMatchObject({ started: 1, completed: 1, cancelled: 0 });
    } finally {
      world.documents.splice(world.documents.indexOf(d), 1);
      lenses.dispose();
      engine.analyses.dispose();
    }
  }, 120_000);
});
