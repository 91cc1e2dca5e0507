/**
 * The set-up the retention tests share: a real SQLite data file per test, with the ledger's tables
 * made as a proxy makes them (unless `ledger: false`), closed and removed after it. And
 * `preparedDuring`, the SQL a pass prepares: a large backlog must prepare its statements once, not
 * once per batch of rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase, type Db } from '../../../proxy/src/db/open';
import { Ledger } from '../../../proxy/src/ledger/ledger';

export interface RetentionDb {
  readonly db: Db;
  /** Rows in `table` now. */
  count(table: string): number;
}

export function retentionDb(name: string, opts: { ledger?: boolean } = {}): RetentionDb {
  let dir: string | undefined;
  let db: Db | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `tollgate-${name}-`));
    db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
    if (opts.ledger !== false) new Ledger(db);
  });
  afterEach(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    db = undefined;
    dir = undefined;
  });
  const open = (): Db => {
    if (!db) throw new Error('used outside a test');
    return db;
  };
  return {
    get db() {
      return open();
    },
    count: (table) => open().prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number,
  };
}

/** The SQL `db.prepare` was given while `run` ran. */
export function preparedDuring(db: Db, run: () => void): string[] {
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  };
  try {
    run();
  } finally {
    db.prepare = prepare;
  }
  return prepared;
}
