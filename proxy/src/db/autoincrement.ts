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
import type { Db } from './open';

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
