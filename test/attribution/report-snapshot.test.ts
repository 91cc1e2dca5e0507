/**
 * A report read while another connection writes the ledger (`tollgate report` beside a running proxy,
 * the dashboard's read worker beside the writer): its totals and its rows are one snapshot. Each was
 * its own statement, and a report's rows added up to more calls than its total. Two connections on a
 * real SQLite file; the other one writes between the report's statements.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { pageRows, summarise } from '../../proxy/src/ledger/ledgerReads';
import { ledgerRow } from '../support/ledgerRow';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A reading connection on which `write` runs as the report's statement after the first is prepared, as another process's commit would land. */
function readerWithWriter(): { reader: Db; writer: Ledger; close(): void } {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-report-snapshot-'));
  const file = join(dir, 'tollgate.db');
  const wdb = openDatabase(file, { vector: false });
  const writer = new Ledger(wdb);
  const reader = openDatabase(file, { readonly: true, vector: false });
  return {
    reader,
    writer,
    close() {
      writer.close();
      wdb.close();
      reader.close();
    },
  };
}

describe('a report beside a writer', () => {
  it('groups that add up to its totals, and a page whose total counts its rows', () => {
    const { reader, writer, close } = readerWithWriter();
    for (let i = 0; i < 40; i++) writer.insert(ledgerRow({ requestId: `r${i}`, ts: 1_000 + i, tags: { team: i % 2 ? 'search' : 'ads' } }));
    const prepare = reader.prepare.bind(reader);
    let statements = 0;
    reader.prepare = (sql: string) => {
      if (statements++ === 1) writer.insert(ledgerRow({ requestId: `late${statements}`, ts: 1_100, tags: { team: 'search' } }));
      return prepare(sql);
    };
    const s = summarise(reader, { from: 0, to: 10_000, by: 'team' });
    expect(statements).toBeGreaterThan(1);
    expect(s.by.reduce((n, b) => n + b.calls, 0)).toBe(s.totals.calls);

    statements = 0;
    const page = pageRows(reader, {}, 1000);
    expect(page.rows).toHaveLength(page.total);
    close();
  });
});
