/**
 * Team, user and feature tags are one budget scope whatever their case (`team: search` holds
 * `x-tollgate-team: Search`), so `tollgate report --by team` and the dashboard's summary show them as
 * one row, under the first call's spelling; before, `Search` and `search` were two rows of one budget.
 * Real SQLite file, the ledger's own writes and reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { scopeMatches } from '../../proxy/src/governance/scope';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { ledgerRow } from '../support/ledgerRow';

let dir: string;
let db: Db;
let ledger: Ledger;
const T = Date.UTC(2026, 11, 1, 12);
// [team, user, model, cost], oldest first.
const calls: Array<[string | undefined, string, string, number]> = [
  ['Search', 'Ana', 'gpt-4o-mini', 0.004],
  ['search', 'ana', 'gpt-4o-mini', 0.003],
  ['SEARCH', 'bo', 'GPT-4o-mini', 0.002],
  ['ads', 'Bo', 'gpt-4o-mini', 0.0015],
  [undefined, 'ana', 'gpt-4o-mini', 0.001],
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-tag-case-'));
  db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
  ledger = new Ledger(db);
  for (const [i, [team, user, model, costUsd]] of calls.entries()) {
    ledger.insert(ledgerRow({ requestId: `r${i}`, ts: T + i, tags: { ...(team ? { team } : {}), user }, modelUsed: model, costUsd }));
  }
});
afterAll(() => {
  ledger.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tags grouped as budget scopes match them', () => {
  it('one row per team whatever its case, under the first spelling, adding up to the totals', () => {
    // The budget's view of the three spellings: one scope.
    expect(['Search', 'search', 'SEARCH'].every((team) => scopeMatches({ team: 'search' }, { team, keyFingerprint: 'tg_0' }))).toBe(true);
    const s = ledger.summary({ from: T, to: T + 10, by: 'team' });
    expect(s.by.map((b) => [b.key, b.calls])).toEqual([
      ['Search', 3],
      ['ads', 1],
      ['(none)', 1],
    ]);
    expect(s.by[0]!.costUsd).toBeCloseTo(0.009, 9);
    expect(s.by.reduce((n, b) => n + b.calls, 0)).toBe(s.totals.calls);
  });

  it('users fold too; models, which are not budget tags, do not', () => {
    expect(ledger.summary({ from: T, to: T + 10, by: 'user' }).by.map((b) => [b.key, b.calls])).toEqual([
      ['Ana', 3],
      ['bo', 2],
    ]);
    expect(ledger.summary({ from: T, to: T + 10, by: 'model' }).by.map((b) => b.key)).toEqual(['gpt-4o-mini', 'GPT-4o-mini']);
  });

  it('a row drilled into (the filter) lists every spelling of its tag', () => {
    expect(ledger.page({ team: 'search' }).calls.map((c) => c.tags.team)).toEqual(['SEARCH', 'search', 'Search']);
    expect(ledger.summary({ from: T, to: T + 10, filter: { team: 'Search' } }).totals.calls).toBe(3);
    expect(ledger.summary({ from: T, to: T + 10, filter: { user: 'BO' } }).totals.calls).toBe(2);
  });
});
