/**
 * Opens Tollgate's SQLite database (one file per data directory) with WAL and the pragmas the
 * stack measurements favour, loads sqlite-vec, and runs each module's migrations.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { getLoadablePath } from 'sqlite-vec';
import { registerTagFold } from '../ledger/tagFold';
import { primaryCode } from '../ledger/writeRefused';
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

/**
 * A readable error for SQLite failing on `file`, or undefined to keep the original: damage
 * (SQLITE_CORRUPT) says how to salvage it; "unable to open" (SQLITE_CANTOPEN) becomes the
 * filesystem's own EACCES on the companion file or directory this user cannot use (a -shm or
 * -wal left by a run under another account), which the CLI words like every permission problem.
 */
export function databaseFileError(err: unknown, file: string): Error | undefined {
  const code = primaryCode(err);
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
    // The first statements read the header and the WAL: a damaged or inaccessible file fails here. The version
    // first: switched to WAL before, a newer build's file in rollback mode was changed on its way to being refused.
    if (!opts.readonly) refuseNewerUnchanged(file);
    db = new Db(file, { readonly: opts.readonly ?? false });
    // First, so the writes below wait for another process (a second proxy on this data directory).
    db.pragma('busy_timeout = 5000');
    if (!opts.readonly) checkSchemaVersion(db, file);
    // A reader leaves the mode as it is: a copy in rollback mode was refused ("attempt to write a readonly database").
    db.pragma(opts.readonly ? 'journal_mode' : 'journal_mode = WAL');
  } catch (err) {
    if (db?.open) db.close();
    // SQLITE_READONLY or SQLITE_CANTOPEN (by platform): it could not create what reading needs.
    db = opts.readonly && (primaryCode(err) === 8 || primaryCode(err) === 14) ? readInPlace(file) : undefined;
    if (!db) throw databaseFileError(err, file) ?? err;
  }
  return configure(db, file, opts);
}

/**
 * A reader in a folder it may not write (a read-only mount, a backup, a colleague's folder): SQLite
 * creates the WAL's -shm index beside the file to read it, so `tollgate report` failed there. With
 * nothing in the -wal the file holds every row, read as immutable; rows only the -wal holds are
 * readable only where they can be merged, which is said. Undefined when the file cannot be read.
 */
function readInPlace(file: string): Db | undefined {
  const db = new Db(file, { readonly: true, immutable: true });
  try {
    db.pragma('journal_mode');
  } catch {
    db.close();
    return undefined;
  }
  if (!statSync(`${file}-wal`, { throwIfNoEntry: false })?.size) return db;
  db.close();
  throw new DatabaseFileError(
    `${file}-wal holds changes not yet in ${file}, and reading them needs a file beside it this folder does not let you create: read a copy of the folder made where you can write, or let a Tollgate that can write the folder start on it once to merge them.`,
    file,
  );
}

/** Refuses a file from a newer Tollgate; stamps an older (or new) one with SCHEMA_VERSION when writing. */
function checkSchemaVersion(db: Db, file: string, write = true): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new DatabaseFileError(
      `${file} was written by a newer Tollgate (data format ${version}; this version knows up to ${SCHEMA_VERSION}). Upgrade Tollgate, or choose another --data-dir.`,
      file,
    );
  }
  if (write && version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

/** The version read first by a reader: a writer's close on the way to the refusal checkpointed that build's WAL into its file. */
function refuseNewerUnchanged(file: string): void {
  if (file === ':memory:' || !existsSync(file)) return;
  let reader: Db | undefined;
  try {
    reader = new Db(file, { readonly: true });
    checkSchemaVersion(reader, file, false);
  } catch (err) {
    // Damaged, or a rollback journal only a writer replays: the writer's open says which, or recovers it.
    if (err instanceof DatabaseFileError) throw err;
  } finally {
    reader?.close();
  }
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
