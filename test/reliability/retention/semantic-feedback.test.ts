/**
 * The semantic cache's feedback log (semantic_hits, semantic_lookups_daily) follows the ledger's
 * maxAgeDays: it grew for the life of the data directory. On a real SQLite file: rows past the age
 * go, newer ones stay, in bounded batches; the quality report still answers, and the lookup clock
 * trust is measured on survives the deleted days (and a restart).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SemanticQuality } from '../../../proxy/src/cache/semantic/quality/qualityStore';
import { openDatabase, type Db } from '../../../proxy/src/db/open';
import { Ledger } from '../../../proxy/src/ledger/ledger';
import { LedgerRetention, RETENTION_BATCH } from '../../../proxy/src/ledger/retention';
import { ledgerRow } from '../../support/ledgerRow';

const DAY = 86_400_000;
let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-semantic-retention-'));
  db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (table: string): number => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
const settings = () => ({ maxAgeDays: 90, maxBytes: 1e12 });
const turn = () => new Promise((r) => setImmediate(r));

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) await turn();
}

describe('semantic feedback retention', () => {
  it('deletes hits and daily lookups past ledger.maxAgeDays, keeps the rest, and the report and trust still answer', async () => {
    const now = Date.now();
    const quality = new SemanticQuality(db);
    for (let i = 0; i < 100; i++) quality.countLookup('faq', now - 200 * DAY);
    for (let i = 0; i < 5; i++) quality.countLookup('never-hit', now - 150 * DAY);
    quality.recordHit({ requestId: 'old', keyNamespace: 'k', feature: 'faq', entryId: 1, probability: 0.9, ts: now - 200 * DAY });
    quality.recordHit({ requestId: 'kept', keyNamespace: 'k', feature: 'faq', entryId: 2, probability: 0.9, ts: now - DAY });
    for (let i = 0; i < 30; i++) quality.countLookup('faq', now);
    quality.recordHit({ requestId: 'bad', keyNamespace: 'k', feature: 'faq', entryId: 3, probability: 0.9, ts: now });
    expect(quality.onRequestFeedback('bad', 0.9).ok).toBe(true);
    // Entry 2 was served 30 lookups ago in a feature with feedback: confirmed.
    expect(quality.isTrusted('faq', 2)).toBe(true);
    const before = quality.report(0.9, now - 30 * DAY).find((f) => f.feature === 'faq');

    const ledger = new Ledger(db);
    ledger.record(ledgerRow({ requestId: 'ledger-old', ts: now - 200 * DAY }));
    const lines: string[] = [];
    const retention = new LedgerRetention(db, ledger, settings, (l) => lines.push(l), 500, 60_000).start();
    await until(() => lines.some((l) => /semantic/.test(l)));
    retention.close();

    expect(count('semantic_hits')).toBe(2);
    expect(db.prepare('SELECT request_id FROM semantic_hits ORDER BY id').pluck().all()).toEqual(['kept', 'bad']);
    expect(count('semantic_lookups_daily')).toBe(1);
    expect(db.prepare('SELECT MIN(day) FROM semantic_lookups_daily').pluck().get()).toBe(Math.floor(now / DAY));
    expect(lines).toContain('semantic cache feedback retention: deleted 1 served hit(s) and 2 daily lookup count(s) past ledger.maxAgeDays');

    // The report over the kept window is what it was; over all time it now holds only kept days.
    expect(quality.report(0.9, now - 30 * DAY).find((f) => f.feature === 'faq')).toEqual(before);
    const all = quality.report(0.9).find((f) => f.feature === 'faq');
    expect(all).toMatchObject({ lookups: 30, hits: 2, badHits: 1, feedback: 1 });
    // After a restart the lookup clock still counts the deleted days: entry 2 stays confirmed.
    const restarted = new SemanticQuality(db);
    expect(restarted.isTrusted('faq', 2)).toBe(true);
    expect(restarted.report(0.9).map((f) => f.feature)).toEqual(['faq']);
  });

  it('deletes a large backlog one bounded batch per event-loop turn', async () => {
    const now = Date.now();
    new SemanticQuality(db);
    const old = RETENTION_BATCH * 2 + 7;
    const insertHit = db.prepare("INSERT INTO semantic_hits (request_id, key_namespace, feature, entry_id, probability, ts) VALUES (?, 'k', 'f', ?, 0.9, ?)");
    const insertDay = db.prepare('INSERT INTO semantic_lookups_daily (feature, day, lookups) VALUES (?, ?, 1)');
    db.transaction(() => {
      for (let i = 0; i < old; i++) insertHit.run(`r${i}`, i + 1, now - 100 * DAY - i);
      for (let i = 0; i < 10; i++) insertHit.run(`new${i}`, old + i + 1, now);
      for (let i = 0; i < old; i++) insertDay.run(`feature-${i}`, Math.floor((now - 100 * DAY) / DAY));
    })();
    const ledger = new Ledger(db);
    const retention = new LedgerRetention(db, ledger, settings, () => {}, 500, 60_000);
    retention.run();
    const seen = [count('semantic_hits') + count('semantic_lookups_daily')];
    for (let i = 0; i < 20 && seen[seen.length - 1]! > 10; i++) {
      await turn();
      seen.push(count('semantic_hits') + count('semantic_lookups_daily'));
    }
    retention.close();
    expect(count('semantic_hits')).toBe(10);
    expect(count('semantic_lookups_daily')).toBe(0);
    // Never more than a batch of each table per turn.
    const start = old * 2 + 10;
    expect(start - seen[0]!).toBeLessThanOrEqual(2 * RETENTION_BATCH);
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]! - seen[i]!).toBeLessThanOrEqual(2 * RETENTION_BATCH);
    expect(seen.length).toBeGreaterThan(2);
  });
});
