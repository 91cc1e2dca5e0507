/**
 * Opens Tollgate's SQLite database (one file per data directory) with WAL and the pragmas the
 * stack measurements favour, loads sqlite-vec, and runs each module's migrations.
 */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { getLoadablePath } from 'sqlite-vec';
import { registerTagFold } from '../ledger/tagFold';
import { startBackgroundCheckpoints } from './checkpointer';
import { Db } from './sqlite';
import { securePrivateFile } from './permissions';

/**
 * The data format this build writes, kept in the file's `PRAGMA user_version`. Raise it with any
 * change an older Tollgate could not write correctly (a new NOT NULL column, a renamed table):
 * an older build then refuses the file with a clear message instead of failing every call's
 * ledger write after the upstream has already billed it. Files from before the stamp read 0.
 */
export const SCHEMA_VERSION = 1;

/**
 * A database file Tollgate will not use as it is (written by a newer version, damaged): one
 * readable line naming the file and what to do (the CLI prints just that line, cli/common.ts).
 */
export class DatabaseFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'DatabaseFileError';
  }
}

/** SQLite's primary result code of an error from the binding (undefined for other errors). */
function sqliteCode(err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

/**
 * A readable error for SQLite failing on `file`, or undefined to keep the original: damage
 * (SQLITE_CORRUPT) says how to salvage it; "unable to open" (SQLITE_CANTOPEN) becomes the
 * filesystem's own EACCES on the companion file or directory this user cannot use (a -shm or
 * -wal left by a run under another account), which the CLI words like every permission problem.
 */
export function databaseFileError(err: unknown, file: string): Error | undefined {
  const code = sqliteCode(err);
  if (code === 11) {
    return new DatabaseFileError(
      `${file} is damaged (${(err as Error).message}). Stop every Tollgate using it, move it and its -wal/-shm files away, then start again or choose another --data-dir; \`sqlite3 <moved file> .recover\` can salvage its rows.`,
      file,
    );
  }
  if (code === 14) {
    for (const [path, mode] of [
      [dirname(file), constants.W_OK | constants.X_OK],
      [file, constants.R_OK | constants.W_OK],
      [`${file}-wal`, constants.R_OK | constants.W_OK],
      [`${file}-shm`, constants.R_OK | constants.W_OK],
    ] as const) {
      if (!existsSync(path)) continue;
      try {
        accessSync(path, mode);
      } catch (denied) {
        return denied as Error;
      }
    }
  }
  return undefined;
}

export { Db, type OpenFileOptions, type RunResult, type Statement } from './sqlite';

export interface OpenOptions {
  /** Load the sqlite-vec extension (semantic cache). Default true. */
  vector?: boolean;
  readonly?: boolean;
  /**
   * Checkpoint the WAL from a worker thread instead of inside a COMMIT on the event loop (the
   * long-running proxy; see checkpointWorker.ts). Default false: tests and short CLI commands
   * keep SQLite's own autocheckpoint.
   */
  backgroundCheckpoints?: boolean;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  if (!opts.readonly) securePrivateFile(file);
  let db: Db | undefined;
  try {
    db = new Db(file, { readonly: opts.readonly ?? false });
    // First, so the writes below wait for another process (a second proxy on this data directory).
    db.pragma('busy_timeout = 5000');
    // The first statements are where SQLite reads the header and the WAL: a damaged or
    // inaccessible file fails here.
    db.pragma('journal_mode = WAL');
    if (!opts.readonly) checkSchemaVersion(db, file);
  } catch (err) {
    if (db?.open) db.close();
    throw databaseFileError(err, file) ?? err;
  }
  return configure(db, file, opts);
}

/** Refuses a file from a newer Tollgate; stamps an older (or new) one with SCHEMA_VERSION. */
function checkSchemaVersion(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new DatabaseFileError(
      `${file} was written by a newer Tollgate (data format ${version}; this version knows up to ${SCHEMA_VERSION}). Upgrade Tollgate, or choose another --data-dir.`,
      file,
    );
  }
  if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

function configure(db: Db, file: string, opts: OpenOptions): Db {
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536'); // 64 MiB page cache
  db.pragma('mmap_size = 268435456');
  db.pragma('temp_store = MEMORY');
  if (opts.vector ?? true) db.loadExtension(getLoadablePath());
  registerTagFold(db);
  db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  if (opts.backgroundCheckpoints && !opts.readonly && file !== ':memory:') startBackgroundCheckpoints(db);
  return db;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
