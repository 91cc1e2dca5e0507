/**
 * Ids that are never handed out twice. Other tables (and the dashboard, feedback, batch totals) keep
 * a row's id after the row may be gone and take it to mean that row: with a plain `INTEGER PRIMARY
 * KEY`, the next insert after the highest id was deleted (or the table emptied) gets that id again.
 * AUTOINCREMENT makes SQLite take max(largest id ever used, largest present) + 1.
 *
 * A table made before (no AUTOINCREMENT) is rebuilt once, in one IMMEDIATE transaction (a crash
 * rolls it back and the next start does it again; a second process that migrated first makes it a
 * no-op): rows are copied with their ids, and the id sequence starts above every id the referring
 * tables still hold, so an id used before the upgrade whose row is already gone is not reused either.
 */
import { DatabaseFileError, type Db } from './open';
import { isDiskFull } from '../ledger/writeRefused';

export interface AutoincrementTable {
  name: string;
  /** `CREATE TABLE …` for the table under another name, with `id INTEGER PRIMARY KEY AUTOINCREMENT`. */
  ddl: (table: string, ifNotExists?: boolean) => string;
  /** The columns to copy, `id` included. */
  columns: string;
  /** `CREATE INDEX IF NOT EXISTS …` statements (recreated after the rebuild). */
  indexes: string;
  /** Where this table's ids are kept after a row is gone: [table, column]. */
  idReferences: ReadonlyArray<readonly [table: string, column: string]>;
}

function tableSql(db: Db, table: string): string | undefined {
  return (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string } | undefined)?.sql;
}

/** Creates the table (and its indexes) if missing, and rebuilds an older one with AUTOINCREMENT. */
export function ensureAutoincrementTable(db: Db, t: AutoincrementTable): void {
  db.exec(`${t.ddl(t.name, true)};${t.indexes}`);
  const migrated = () => /\bAUTOINCREMENT\b/i.test(tableSql(db, t.name) ?? '');
  if (migrated()) return;
  // Another process may be rebuilding this very table (two proxies started together after an
  // update): it holds the write lock for as long as the copy takes (~15 s for 500k ledger rows on a
  // busy machine), longer than the connection's usual busy_timeout, which would end this start in
  // "database is locked". Wait for it here; once in, `migrated()` makes this rebuild a no-op.
  const usualWait = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${Math.max(usualWait, REBUILD_WAIT_MS)}`);
  try {
    rebuild(db, t, migrated);
  } catch (err) {
    throw rebuildFailure(db, t.name, err);
  } finally {
    db.pragma(`busy_timeout = ${usualWait}`);
  }
}

/**
 * The rebuild copies the whole table once, so it needs free space about the size of the table: on a
 * full disk it rolls back (nothing changed) and the start ends with one readable line instead of a
 * stack trace. The WAL frames the rolled-back copy wrote are given back to the disk, so the space
 * is there for an older Tollgate on this directory (a rollback) or for the next try.
 */
function rebuildFailure(db: Db, table: string, err: unknown): unknown {
  if (!isDiskFull(err)) return err;
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // Another connection is reading: the WAL is reused from its start at the next write instead.
  }
  const bytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  const mb = Math.max(1, Math.ceil(bytes / 1_048_576));
  return new DatabaseFileError(
    `${db.name}: not enough disk space to upgrade it to this version's format (its ${table} table is copied once; allow up to ${mb} MB free). Its rows are untouched: free some space and start again.`,
    db.name,
  );
}

/** How long a start waits for another process's rebuild of the same table before giving up. */
export const REBUILD_WAIT_MS = 600_000;

function rebuild(db: Db, t: AutoincrementTable, migrated: () => boolean): void {
  db.transaction(() => {
    if (migrated()) return; // another process migrated it meanwhile
    const copy = `${t.name}_autoinc`;
    db.exec(`
      DROP TABLE IF EXISTS ${copy};
      ${t.ddl(copy)};
      INSERT INTO ${copy} (${t.columns}) SELECT ${t.columns} FROM ${t.name} ORDER BY id;
      DROP TABLE ${t.name};
      ALTER TABLE ${copy} RENAME TO ${t.name};
      ${t.indexes}
    `);
    let floor = 0;
    for (const [table, column] of t.idReferences) {
      if (tableSql(db, table) === undefined) continue;
      const max = db.prepare(`SELECT MAX(${column}) FROM ${table}`).pluck().get() as number | null;
      if (max !== null && max > floor) floor = max;
    }
    // The copy set the sequence to the largest id copied (no row when the table was empty).
    db.prepare('UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?').run(floor, t.name, floor);
    db.prepare('INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)').run(t.name, floor, t.name);
  }).immediate();
}
