/**
 * Which SQLite failures mean "not now" for a write that records something that already happened (a
 * call's ledger row, its budget settlement): worth holding in memory and writing again, since
 * failing it would lose the record of a call the upstream has billed. Pure.
 */

/** SQLite primary result codes (the low byte of an extended code). */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;

/** SQLite's primary result code of an error from the binding (undefined for other errors). */
export function primaryCode(err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

/** SQLite's "database or disk is full" (SQLITE_FULL). */
export function isDiskFull(err: unknown): boolean {
  return primaryCode(err) === SQLITE_FULL;
}

/** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock, so every write waits and fails alike. */
export function isLocked(err: unknown): boolean {
  const code = primaryCode(err);
  return code === SQLITE_BUSY || code === SQLITE_LOCKED;
}

/**
 * The disk is full, another connection (a second proxy on the data directory, the CLI, a `sqlite3`
 * shell) holds the write lock past busy_timeout, or the write failed with an I/O error (a full or
 * flaky disk can show as one): the same write can succeed later.
 */
export function isWriteRefused(err: unknown): boolean {
  const code = primaryCode(err);
  return code === SQLITE_FULL || code === SQLITE_BUSY || code === SQLITE_LOCKED || code === SQLITE_IOERR;
}

/**
 * SQLite's name for a failure (SQLITE_CONSTRAINT, SQLITE_READONLY), or undefined when `err` is not
 * a SQLite error: what a message can name without quoting data.
 */
export function sqliteCodeName(err: unknown): string | undefined {
  const e = err as { sqliteCodeName?: unknown; errcode?: unknown } | null;
  if (typeof e?.sqliteCodeName === 'string') return e.sqliteCodeName;
  return typeof e?.errcode === 'number' ? `SQLite error ${e.errcode}` : undefined;
}
