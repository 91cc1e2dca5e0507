/**
 * `tollgate report --by team` shows a team spelt `Équipe` and `équipe` as one row, as the
 * `team: équipe` budget counts it: it showed two rows of 75 calls each (SQLite folds ASCII letters
 * only), and `--team ÉQUIPE` found 75 calls of 150. A real ledger file read by the real CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import type { Summary } from '../../proxy/src/ledger/types';
import { ledgerRow } from '../support/ledgerRow';
import { runCli } from './cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-report-tag-case-'));
const T = Date.UTC(2026, 10, 2, 12);
beforeAll(() => {
  const db = openDatabase(join(dataDir, 'tollgate.db'));
  try {
    const ledger = new Ledger(db);
    const teams = ['Équipe', 'équipe', 'STRASSE', 'straße'];
    for (let i = 0; i < 300; i++) ledger.record(ledgerRow({ requestId: `r${i}`, ts: T + i, tags: { team: teams[i % 4]! }, costUsd: 0.001 }));
  } finally {
    db.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const report = async (...args: string[]): Promise<Summary> => {
  const r = await runCli(['report', '--data-dir', dataDir, '--since', String(T), '--until', String(T + 1000), '--format', 'json', ...args], { cwd: dataDir, env: { HOME: dataDir } });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Summary;
};

describe('tollgate report folds tag case as budgets do', () => {
  it('one row for Équipe and équipe, two for STRASSE and straße; a --team filter finds every spelling', async () => {
    expect((await report('--by', 'team')).by.map((b) => [b.key, b.calls])).toEqual([
      ['Équipe', 150],
      ['STRASSE', 75],
      ['straße', 75],
    ]);
    expect((await report('--team', 'ÉQUIPE')).totals.calls).toBe(150);
  }, 60_000);
});
