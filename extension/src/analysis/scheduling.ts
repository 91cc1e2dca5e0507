/**
 * When the editor analyses a document, kept free of `vscode` so the tests can drive it: edits are
 * debounced per document, a newer version cancels the run for an older one, and files too large
 * to analyse while typing are skipped with a message instead of stalling the extension host.
 */

/** The shape of a VS Code CancellationToken, which analyzeFile accepts. */
export interface RunToken {
  readonly isCancellationRequested: boolean;
}

interface Run<T> {
  /** A document's version; for a notebook cell, the versions of all its notebook's cells (they are analysed together). */
  version: number | string;
  /** Set when the run is cancelled outright (a newer version, the document closed, settings changed). */
  cancelled: boolean;
  /** The tokens of the requests (CodeLens, code actions) waiting for this run, while it runs. */
  askers: RunToken[];
  /** A request without a token (diagnostics) waits for it: it is never given up. */
  pinned: boolean;
  done: boolean;
  token: RunToken;
  result: Promise<T>;
}

/**
 * One run per document version; asking for a newer version cancels the older run. A run is shared
 * by every request for its version and stops only once all of them are cancelled: the CodeLens of an
 * editor the user left gives up its analysis, unless diagnostics (which ask without a token) wait too.
 */
export class LatestRuns<T> {
  private readonly runs = new Map<string, Run<T>>();

  /** The run for this exact version, started with `start` when there is none yet (or all its requests gave up). */
  get(key: string, version: number | string, start: (token: RunToken) => Promise<T>, asker?: RunToken): Promise<T> {
    const hit = this.runs.get(key);
    if (hit && hit.version === version && !hit.token.isCancellationRequested) {
      if (!hit.done) {
        if (asker) hit.askers.push(asker);
        else hit.pinned = true;
      }
      return hit.result;
    }
    if (hit) hit.cancelled = true;
    const run: Run<T> = {
      version,
      cancelled: false,
      askers: asker ? [asker] : [],
      pinned: !asker,
      done: false,
      token: {
        get isCancellationRequested() {
          return run.cancelled || (!run.done && !run.pinned && run.askers.every((a) => a.isCancellationRequested));
        },
      },
      result: Promise.resolve() as Promise<T>,
    };
    run.result = start(run.token);
    // A finished result serves later requests (the tokens of past ones are not kept); one that every
    // request gave up on ended early, and is not reused.
    const settle = () => {
      if (run.token.isCancellationRequested) run.cancelled = true;
      run.done = true;
      run.askers = [];
    };
    run.result.then(settle, settle);
    this.runs.set(key, run);
    return run.result;
  }

  /** The document changed: its run for an older version is cancelled now, not when the new version is first asked for. */
  supersede(key: string, version: number | string): void {
    const hit = this.runs.get(key);
    if (hit && hit.version !== version) this.forget(key);
  }

  /** Cancel and drop a document's run (closed document). */
  forget(key: string): void {
    const hit = this.runs.get(key);
    if (hit) hit.cancelled = true;
    this.runs.delete(key);
  }

  /** Cancel and drop every run (settings changed); returns the keys that had one. */
  clear(): string[] {
    const keys = [...this.runs.keys()];
    for (const k of keys) this.forget(k);
    return keys;
  }
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const NODE_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Per-key trailing debounce: of a burst of calls, only the last one runs, `delayMs` after it. */
export class Debouncer {
  private readonly pending = new Map<string, unknown>();

  constructor(private readonly timers: Timers = NODE_TIMERS) {}

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.cancel(key);
    this.pending.set(
      key,
      this.timers.set(() => {
        this.pending.delete(key);
        fn();
      }, delayMs),
    );
  }

  cancel(key: string): void {
    const h = this.pending.get(key);
    if (h !== undefined) this.timers.clear(h);
    this.pending.delete(key);
  }

  dispose(): void {
    for (const k of [...this.pending.keys()]) this.cancel(k);
  }
}

/**
 * Largest document analysed in the editor. A 10,000-line prompt analyses in a few tokenizer passes,
 * split into steps that yield between rules; beyond this the file is skipped (with a message),
 * not analysed on every keystroke. `tollgate lint` has no cap.
 */
export const MAX_ANALYSED_LINES = 20_000;
/** Also a cap on characters: one minified line can be megabytes. */
export const MAX_ANALYSED_CHARS = 2_000_000;

export interface SizeVerdict {
  analyse: boolean;
  lines: number;
  /** Why the file is skipped, for the user (only when analyse is false). */
  message?: string;
}

export function sizeVerdict(name: string, text: string, maxLines = MAX_ANALYSED_LINES, maxChars = MAX_ANALYSED_CHARS): SizeVerdict {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines <= maxLines; i = text.indexOf('\n', i + 1)) lines++;
  if (lines <= maxLines && text.length <= maxChars) return { analyse: true, lines };
  const size = lines > maxLines ? `more than ${maxLines.toLocaleString('en-US')} lines` : `more than ${maxChars.toLocaleString('en-US')} characters`;
  return {
    analyse: false,
    lines,
    message: `Tollgate: ${name} has ${size}, so its cost CodeLens and diagnostics are off while editing (run \`tollgate lint\` on it instead).`,
  };
}
