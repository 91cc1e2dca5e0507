/**
 * Two proxies started together on a data directory from before a column was added: both see the
 * column missing, one adds it, and the other's ALTER then finds it there. That start must go on
 * (the column it wanted exists), not end in "duplicate column name".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateSemanticQuality } from '../../../proxy/src/cache/semantic/quality/qualityStore';
import { type Db, openDatabase } from '../../../proxy/src/db/open';
import { OLD_SEMANTIC_HITS_DDL } from './oldFormat';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-upgrade-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `db`, except that the other process runs each ALTER first, just before this one does. */
function racedBy(db: Db, other: Db): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'exec') {
        return (sql: string) => {
          if (/^\s*ALTER TABLE/i.test(sql)) other.exec(sql);
          return target.exec(sql);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('columns added by a start racing another start', () => {
  it('semantic_hits: the losing start keeps going and the old hit keeps its fields', () => {
    const file = join(dir, 'tollgate.db');
    const setup = openDatabase(file, { vector: false });
    setup.exec(OLD_SEMANTIC_HITS_DDL);
    setup.close();

    const mine = openDatabase(file, { vector: false });
    const other = openDatabase(file, { vector: false });
    expect(() => migrateSemanticQuality(racedBy(mine, other))).not.toThrow();
    const cols = (mine.prepare('PRAGMA table_info(semantic_hits)').all() as Array<{ name: string }>).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['query_vector', 'lookup_no']));
    expect(mine.prepare('SELECT request_id, entry_id, probability, query_vector, lookup_no FROM semantic_hits').all()).toEqual([
      { request_id: 'tg_old_hit', entry_id: 7, probability: 0.97, query_vector: null, lookup_no: null },
    ]);
    other.close();
    mine.close();
  });
});
