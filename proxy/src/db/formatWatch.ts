/**
 * A running proxy notices when another process (a newer Tollgate: another window after an update,
 * or the CLI) migrates its database file to a newer data format (`PRAGMA user_version` above
 * SCHEMA_VERSION). The check at open (open.ts) only covers the start: without this, the older
 * proxy kept writing rows with its old assumptions into a file laid out for the newer one.
 *
 * Cheap enough for the request path: `check()` is a clock read; at most once per `intervalMs` it
 * reads `PRAGMA data_version` (changes only when another connection committed), and only when that
 * changed, `user_version`. Once a newer format is seen the connection is made read-only
 * (`query_only`), so no write path (ledger, cache, budgets, retention) can write with old
 * assumptions, and the caller refuses calls instead of relaying them unrecorded.
 *
 * The same check notices the file being removed or replaced under the proxy (the data directory
 * `rm -rf`'d, a sync tool or backup restoring an older copy): SQLite keeps writing to the file it
 * opened, unlinked or no longer the one at the path, so every row recorded since was lost at the
 * next stop, silently. One stat a check: the path's inode against the one opened.
 */
import { statSync } from 'node:fs';
import { SCHEMA_VERSION, type Db } from './open';

/** Why the proxy stopped writing to its database file. */
export type DataFileProblem = { kind: 'newer-format'; format: number } | { kind: 'replaced' };

/** The identity of the file at `path` (undefined when there is none). */
function fileIdentity(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** How often, at most, the request path asks SQLite whether another connection committed. */
export const FORMAT_CHECK_MS = 1_000;

export class FormatWatch {
  private dataVersion: number;
  private checkedAt: number;
  /** What stopped the writes, once seen (it never goes back). */
  private problem: DataFileProblem | undefined;
  /** The opened file's identity (dev:ino), when a path to compare was given. */
  private readonly identity: string | undefined;

  constructor(
    private readonly db: Db,
    private readonly onProblem: (problem: DataFileProblem) => void,
    private readonly intervalMs = FORMAT_CHECK_MS,
    /** The database file's path: when given, its removal or replacement is noticed too. */
    private readonly file?: string,
  ) {
    this.dataVersion = this.read('data_version');
    this.checkedAt = performance.now();
    this.identity = file === undefined ? undefined : fileIdentity(file);
  }

  private read(pragma: 'data_version' | 'user_version'): number {
    return Number(this.db.pragma(pragma, { simple: true }));
  }

  /** Why the proxy no longer writes to the file, or undefined while it does. */
  check(now = performance.now()): DataFileProblem | undefined {
    if (this.problem !== undefined || now - this.checkedAt < this.intervalMs) return this.problem;
    this.checkedAt = now;
    if (this.file !== undefined && this.identity !== undefined && fileIdentity(this.file) !== this.identity) return this.stop({ kind: 'replaced' });
    const dataVersion = this.read('data_version');
    if (dataVersion === this.dataVersion) return undefined;
    this.dataVersion = dataVersion;
    const format = this.read('user_version');
    if (format <= SCHEMA_VERSION) return undefined;
    return this.stop({ kind: 'newer-format', format });
  }

  private stop(problem: DataFileProblem): DataFileProblem {
    this.problem = problem;
    this.db.pragma('query_only = ON');
    this.onProblem(problem);
    return problem;
  }

  /** What stopped the writes so far, without checking again. */
  get stopped(): DataFileProblem | undefined {
    return this.problem;
  }
}
