/**
 * Editor-side scheduling: a burst of edits analyses once, a newer version cancels the older run
 * (which stops at its next step), and files beyond the size cap are skipped with a message.
 * No wall-clock thresholds: runs and checkpoints are counted.
 */
import { describe, expect, it } from 'vitest';
import { AnalysisCancelled, analyzeFile, type FileAnalysis } from '../../proxy/src/analysis';
import { Debouncer, LatestRuns, MAX_ANALYSED_LINES, sizeVerdict, type Timers } from '../../extension/src/analysis/scheduling';

/** Timers advanced by hand: `flush()` fires whatever is still pending. */
function manualTimers(): Timers & { flush(): void; pending(): number } {
  const live = new Map<number, () => void>();
  let next = 0;
  return {
    set: (fn) => {
      live.set(++next, fn);
      return next;
    },
    clear: (h) => live.delete(h as number),
    flush: () => {
      const due = [...live.values()];
      live.clear();
      for (const fn of due) fn();
    },
    pending: () => live.size,
  };
}

function bigPrompt(lines: number): string {
  const out = ['---', 'model: gpt-4o', '---'];
  for (let i = 0; out.length < lines; i++) {
    out.push(`## Case ${i}`, '', `When asked about case ${i % 40}, answer from the handbook and cite the paragraph.`, 'Please keep the answer short and do not speculate.', '');
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

/** A token that counts how often the analysis looks at it, and cancels itself after `after` looks. */
function countingToken(after = Number.POSITIVE_INFINITY) {
  let reads = 0;
  let cancelled = false;
  return {
    get isCancellationRequested() {
      reads++;
      if (reads > after) cancelled = true;
      return cancelled;
    },
    cancel: () => {
      cancelled = true;
    },
    reads: () => reads,
  };
}

const TEN_THOUSAND = bigPrompt(10_000);

describe('Debouncer', () => {
  it('runs a burst of 25 edits once, with the last edit, and keeps documents apart', () => {
    const timers = manualTimers();
    const d = new Debouncer(timers);
    const runs: string[] = [];
    for (let v = 1; v <= 25; v++) d.schedule('a.prompt.md', 300, () => runs.push(`a@${v}`));
    d.schedule('b.prompt.md', 300, () => runs.push('b@1'));
    expect(runs).toEqual([]);
    expect(timers.pending()).toBe(2);
    timers.flush();
    expect(runs).toEqual(['a@25', 'b@1']);
  });

  it('a cancelled document (closed) never runs', () => {
    const timers = manualTimers();
    const d = new Debouncer(timers);
    let runs = 0;
    d.schedule('a', 300, () => runs++);
    d.cancel('a');
    timers.flush();
    expect(runs).toBe(0);
  });
});

describe('cancellable analyzeFile', () => {
  it('stops at the first step after its token fires and does no further work', async () => {
    const token = countingToken(3);
    await expect(analyzeFile({ path: 'big.prompt.md', text: TEN_THOUSAND }, {}, { cancellation: token })).rejects.toBeInstanceOf(AnalysisCancelled);
    // Each step reads the token before and after yielding; the read that saw the cancellation was the last.
    expect(token.reads()).toBe(4);
  });

  it('a token that never fires gives exactly the uncancellable result, in several yielding steps', async () => {
    const token = countingToken();
    const withToken = await analyzeFile({ path: 'big.prompt.md', text: TEN_THOUSAND }, {}, { cancellation: token });
    const plain = await analyzeFile({ path: 'big.prompt.md', text: TEN_THOUSAND });
    expect(withToken).toEqual(plain);
    expect(plain.diagnostics.length).toBeGreaterThan(0);
    // One step before dispatch plus one per enabled prompt rule, two reads each.
    expect(token.reads()).toBeGreaterThanOrEqual(2 * 9);
  });
});

describe('LatestRuns', () => {
  it('a burst of five versions of a 10,000-line file: four runs are cancelled, one analysis completes', async () => {
    const runs = new LatestRuns<FileAnalysis | undefined>();
    let started = 0;
    let completed = 0;
    let cancelled = 0;
    const start = (version: number) =>
      runs.get('big.prompt.md', version, async (token) => {
        started++;
        try {
          const r = await analyzeFile({ path: 'big.prompt.md', text: `${TEN_THOUSAND}<!-- v${version} -->\n` }, {}, { cancellation: token });
          completed++;
          return r;
        } catch (e) {
          if (!(e instanceof AnalysisCancelled)) throw e;
          cancelled++;
          return undefined;
        }
      });
    const results = [1, 2, 3, 4, 5].map(start);
    // The same version asked again (CodeLens and diagnostics both ask) shares the run.
    expect(start(5)).toBe(results[4]);
    const settled = await Promise.all(results);
    expect({ started, completed, cancelled }).toEqual({ started: 5, completed: 1, cancelled: 4 });
    expect(settled.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    expect(settled[4]?.kind).toBe('vscode-prompt');
  });

  it('forgetting a document (closed) cancels its run', async () => {
    const runs = new LatestRuns<string>();
    let seen: { isCancellationRequested: boolean } | undefined;
    void runs.get('a', 1, async (token) => {
      seen = token;
      return 'x';
    });
    expect(seen?.isCancellationRequested).toBe(false);
    runs.forget('a');
    expect(seen?.isCancellationRequested).toBe(true);
    // Nothing is kept: asking for the same version starts a new run.
    let restarted = false;
    void runs.get('a', 1, async () => {
      restarted = true;
      return 'y';
    });
    expect(restarted).toBe(true);
  });
});

describe('size cap', () => {
  it('analyses a 10,000-line file and skips one beyond the cap, saying why', () => {
    expect(sizeVerdict('big.prompt.md', TEN_THOUSAND)).toMatchObject({ analyse: true });
    const huge = sizeVerdict('huge.prompt.md', 'x\n'.repeat(MAX_ANALYSED_LINES + 5));
    expect(huge.analyse).toBe(false);
    expect(huge.message).toContain('huge.prompt.md has more than 20,000 lines');
    expect(huge.message).toContain('tollgate lint');
    const oneLine = sizeVerdict('min.js', 'a'.repeat(3_000_000));
    expect(oneLine).toMatchObject({ analyse: false, lines: 1 });
    expect(oneLine.message).toContain('more than 2,000,000 characters');
  });
});
