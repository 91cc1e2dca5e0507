/**
 * Opens Tollgate's SQLite database (one file per data directory) with WAL and the pragmas the
 * stack measurements favour, loads sqlite-vec, and runs each module's migrations.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { getLoadablePath } from 'sqlite-vec';
import { startBackgroundCheckpoints } from './checkpointer';
import { Db } from './sqlite';
import { securePrivateFile } from './permissions';

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
  const db = new Db(file, { readonly: opts.readonly ?? false });
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536'); // 64 MiB page cache
  db.pragma('mmap_size = 268435456');
  db.pragma('temp_store = MEMORY');
  if (opts.vector ?? true) db.loadExtension(getLoadablePath());
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
