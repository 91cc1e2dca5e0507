/**
 * `tollgate report` and `tollgate cache stats` open the database read-only and, on purpose, do not
 * refuse a file a newer Tollgate migrated (they change nothing). They said nothing about it either:
 * a report added up a ledger laid out for a newer version as if it were whole. Now one warning line
 * on stderr, and the figures still on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { ledgerRow } from '../support/ledgerRow';
import { runCli } from './cli';

const root = mkdtempSync(join(tmpdir(), 'tollgate-newer-format-'));
const current = join(root, 'current');
const newer = join(root, 'newer');

/** A data directory whose ledger holds one call of $0.25, stamped with `format`. */
function dataDir(dir: string, format: number): void {
  const db = openDatabase(join(dir, 'tollgate.db'));
  try {
    new Ledger(db).record(ledgerRow({ requestId: 'r1', costUsd: 0.25 }));
    db.pragma(`user_version = ${format}`);
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dataDir(current, SCHEMA_VERSION);
  dataDir(newer, SCHEMA_VERSION + 1);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (dir: string, ...args: string[]) => runCli([...args, '--data-dir', dir], { cwd: root, env: { HOME: root } });

describe('a data directory written by a newer Tollgate, read by the CLI', () => {
  it('report: one warning line naming the format, the figures still printed, exit 0', async () => {
    const r = await run(newer, 'report', '--since', '2000-01-01', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^tollgate: warning: .*tollgate\\.db was written by a newer Tollgate \\(data format ${SCHEMA_VERSION + 1}; .*figures may be incomplete`))]);
    expect((JSON.parse(r.stdout) as { totals: { calls: number; costUsd: number } }).totals).toMatchObject({ calls: 1, costUsd: 0.25 });
  }, 60_000);

  it('cache stats: the same warning, the counts still printed', async () => {
    const r = await run(newer, 'cache', 'stats');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/written by a newer Tollgate .*figures may be incomplete/);
    expect(r.stdout).toMatch(/: 0 entries/);
  }, 60_000);

  it('a file of this version: no warning', async () => {
    const r = await run(current, 'report', '--since', '2000-01-01', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  }, 60_000);
});
