/**
 * Tags with letters outside ASCII fold as budget scopes fold them (JavaScript's toLowerCase,
 * governance/scope.ts): `Équipe` and `équipe` are one budget, and now one report row, one filter and
 * one seeded window. SQLite's lower() and NOCASE fold ASCII only: `tollgate report --by team` showed
 * them as two rows of 75 calls each while the budget counted 150. `STRASSE` and `straße` stay apart
 * everywhere (toLowerCase does not fold ß). Real SQLite file, the ledger's own writes and reads, the
 * read worker's connection, and the governor's ledger seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { ledgerSpend } from '../../proxy/src/governance/ledgerSeed';
import { scopeMatches } from '../../proxy/src/governance/scope';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { ledgerRow } from '../support/ledgerRow';

let dir: string;
let db: Db;
let ledger: Ledger;
const T = Date.UTC(2026, 11, 1, 12);
// 75 calls of each spelling, interleaved, the first one `Équipe`; users with Cyrillic and Greek capitals.
const TEAMS = ['Équipe', 'équipe', 'STRASSE', 'straße'];
const USERS = ['Анна', 'анна', 'ΣΟΦΊΑ', 'σοφία'];
const rows = Array.from({ length: 300 }, (_, i) => ({ team: TEAMS[i % 4]!, user: USERS[i % 4]!, ts: T + i }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-tag-case-nonascii-'));
  db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
  ledger = new Ledger(db);
  for (const [i, r] of rows.entries()) ledger.insert(ledgerRow({ requestId: `r${i}`, ts: r.ts, tags: { team: r.team, user: r.user }, costUsd: 0.001 }));
});
afterAll(() => {
  ledger.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How many of the rows a budget scope on `team` holds, by the budget's own matcher. */
const budgetCount = (team: string) => rows.filter((r) => scopeMatches({ team }, { team: r.team, keyFingerprint: 'tg_0' })).length;

describe('tags outside ASCII fold as budget scopes fold them', () => {
  it('one report row per budget: Équipe and équipe together, STRASSE and straße apart', () => {
    expect(budgetCount('équipe')).toBe(150);
    expect(budgetCount('strasse')).toBe(75);
    const s = ledger.summary({ from: T, to: T + 1000, by: 'team' });
    expect(s.by.map((b) => [b.key, b.calls])).toEqual([
      ['Équipe', budgetCount('équipe')],
      ['STRASSE', budgetCount('strasse')],
      ['straße', budgetCount('straße')],
    ]);
    expect(s.by.reduce((n, b) => n + b.calls, 0)).toBe(s.totals.calls);
    expect(ledger.summary({ from: T, to: T + 1000, by: 'user' }).by.map((b) => [b.key, b.calls])).toEqual([
      ['ΣΟΦΊΑ', 150],
      ['Анна', 150],
    ]);
  });

  it('a row drilled into lists every spelling of its tag, and only those', () => {
    expect(ledger.page({ team: 'ÉQUIPE' }, 1000).total).toBe(150);
    expect(ledger.summary({ from: T, to: T + 1000, filter: { team: 'équipe' } }).totals.calls).toBe(150);
    expect(ledger.summary({ from: T, to: T + 1000, filter: { team: 'straße' } }).totals.calls).toBe(75);
    expect(ledger.summary({ from: T, to: T + 1000, filter: { user: 'АННА' } }).totals.calls).toBe(150);
  });

  it('a budget window seeded from the ledger counts what the scope matches', () => {
    for (const team of ['équipe', 'ÉQUIPE', 'éq*', 'STRASSE', 'straße']) {
      expect(ledgerSpend(db, { team }, T, T + 1000).nano, team).toBe(budgetCount(team) * 1_000_000);
    }
  });

  it('the read worker folds the same way, on its own connection', async () => {
    const opts = { from: T, to: T + 1000, by: 'team' as const, filter: { user: 'σοφία' } };
    // A query the worker cannot run falls back to this connection: it must not be needed.
    const prepared = vi.spyOn(db, 'prepare');
    const off = await ledger.summaryOffThread(opts);
    const fellBack = prepared.mock.calls.length;
    prepared.mockRestore();
    expect(fellBack).toBe(0);
    expect(off.by.map((b) => [b.key, b.calls])).toEqual([['STRASSE', 75], ['straße', 75]]);
    expect(off).toEqual(ledger.summary(opts));
  });

  it('a tag spelt composed (é, U+00E9) and decomposed (e + U+0301) is one tag everywhere', () => {
    const at = T + 10_000;
    const spellings = ['Café', 'CAFE\u0301', 'cafe\u0301'];
    expect(spellings[0]!.normalize('NFD')).not.toBe(spellings[0]); // the file really holds both forms
    for (let i = 0; i < 30; i++) ledger.insert(ledgerRow({ requestId: `nfd${i}`, ts: at + i, tags: { team: spellings[i % 3]!, feature: spellings[(i + 1) % 3]! }, costUsd: 0.001 }));
    const window = { from: at, to: at + 1000 };
    expect(ledger.summary({ ...window, by: 'team' }).by.map((b) => [b.key, b.calls])).toEqual([['Café', 30]]);
    expect(ledger.summary({ ...window, by: 'feature' }).by.map((b) => b.calls)).toEqual([30]);
    for (const team of spellings) {
      expect(ledger.summary({ ...window, filter: { team } }).totals.calls, team).toBe(30);
      expect(ledgerSpend(db, { team }, at, at + 1000).nano, team).toBe(30 * 1_000_000);
      expect(spellings.every((value) => scopeMatches({ team }, { team: value, keyFingerprint: 'tg_0' })), team).toBe(true);
    }
    expect(ledgerSpend(db, { team: 'caf*' }, at, at + 1000).nano).toBe(30 * 1_000_000);
  });
});
