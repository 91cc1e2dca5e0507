/**
 * The batch tables under ledger retention: a batch, its result links, its input file and request
 * lines were kept for the life of the data directory (one row per request line), while the ledger's
 * own rows were deleted past `ledger.maxAgeDays`. Now they go with the same pass, once older than
 * max(maxAgeDays, BATCH_MIN_DAYS): a batch whose results the provider still keeps stays (fetching
 * them records them once), and so does an old input a recent batch names. Real SQLite file, the real
 * store and retention pass.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { BATCH_MIN_DAYS } from '../../proxy/src/batch/retention';
import { BatchStore, type BatchRow, type StoredLine } from '../../proxy/src/batch/store';
import { applyRetention, RETENTION_BATCH } from '../../proxy/src/ledger/retention';
import { preparedDuring, retentionDb } from '../db/support/retentionDb';

const DAY = 86_400_000;
const t = retentionDb('batch-retention');
let store: BatchStore;
beforeEach(() => {
  store = new BatchStore(t.db);
});

const line = (i: number): StoredLine => ({ customId: `req-${i}`, endpoint: 'chat.completions', model: 'gpt-4.1-nano', cacheKey: `k${i}`, inputTokens: 10, maxOutput: 20, cachedEntryId: null });

/** An input file of `lines` request lines uploaded at `at`, and (unless `batchAt` is null) a batch of it submitted then, with a result linked per line. */
function batchAt(id: string, at: number, lines: number, submittedAt: number | null = at): void {
  store.saveInput({ id: `file-${id}`, provider: 'openai', namespace: 'ns', local: false }, Array.from({ length: lines }, (_, i) => line(i)));
  t.db.prepare('UPDATE batch_inputs SET created_at = ? WHERE id = ?').run(at, `file-${id}`);
  if (submittedAt === null) return;
  const row: BatchRow = {
    id: `batch_${id}`, provider: 'openai', protocol: 'openai', keyFingerprint: 'tg_k', namespace: 'ns', tags: { team: 'eval' }, inputId: `file-${id}`,
    outputFileId: `file-out-${id}`, errorFileId: null, status: 'completed', requestCount: lines, cachedCount: 0, worstCaseUsd: 0.01,
    reservationId: null, createdAt: submittedAt, settledAt: submittedAt + DAY, local: false,
  };
  store.saveBatch(row);
  t.db.transaction(() => {
    for (let i = 0; i < lines; i++) store.linkResult(row.id, `req-${i}`, 1_000_000 + i);
  })();
}

describe('batch rows under retention', () => {
  it('deletes batches, results, inputs and lines past the cutoff in batches, and keeps the ones still needed', () => {
    const now = Date.now();
    // A year-old evaluation batch larger than one retention batch.
    batchAt('old', now - 365 * DAY, RETENTION_BATCH + 13);
    batchAt('recent', now - 2 * DAY, 3);
    // Past maxAgeDays (1) but within the provider's results retention: its results can still be fetched.
    batchAt('fetchable', now - (BATCH_MIN_DAYS - 2) * DAY, 4);
    // Uploaded long ago, submitted yesterday: the batch needs its lines when its results come.
    batchAt('reused', now - 200 * DAY, 5, now - DAY);
    // Uploaded long ago and never submitted.
    batchAt('unused', now - 200 * DAY, 6, null);

    applyRetention(t.db, { maxAgeDays: 1, maxBytes: 1e12 }, now);

    expect((t.db.prepare('SELECT id FROM batches ORDER BY id').pluck().all() as string[])).toEqual(['batch_fetchable', 'batch_recent', 'batch_reused']);
    expect((t.db.prepare('SELECT id FROM batch_inputs ORDER BY id').pluck().all() as string[])).toEqual(['file-fetchable', 'file-recent', 'file-reused']);
    expect(t.count('batch_lines')).toBe(3 + 4 + 5);
    expect(t.count('batch_results')).toBe(3 + 4 + 5);
    // What is kept still works: the reused batch finds its lines, and its results count once.
    expect(store.lines('file-reused')).toHaveLength(5);
    expect(store.recordedIds('batch_fetchable').size).toBe(4);
    expect(store.batchForFile('file-out-old')).toBeUndefined();
  });

  it('keeps everything within maxAgeDays when that is longer than the minimum', () => {
    const now = Date.now();
    batchAt('sixty', now - 60 * DAY, 2);
    applyRetention(t.db, { maxAgeDays: 90, maxBytes: 1e12 }, now);
    expect(t.count('batches')).toBe(1);
    expect(t.count('batch_lines')).toBe(2);
    applyRetention(t.db, { maxAgeDays: 30, maxBytes: 1e12 }, now);
    expect(t.count('batches') + t.count('batch_inputs') + t.count('batch_lines') + t.count('batch_results')).toBe(0);
  });

  it('a pass over a large backlog prepares its statements once, not again for every batch of rows', () => {
    const now = Date.now();
    // Several retention batches of lines, results and batches to delete.
    for (let b = 0; b < 4; b++) batchAt(`old${b}`, now - 365 * DAY, RETENTION_BATCH + 7);
    const prepared = preparedDuring(t.db, () => applyRetention(t.db, { maxAgeDays: 1, maxBytes: 1e12 }, now));
    expect(t.count('batches') + t.count('batch_inputs') + t.count('batch_lines') + t.count('batch_results')).toBe(0);
    const batchDeletes = prepared.filter((sql) => /^DELETE FROM batch/.test(sql.trim()));
    // Four DELETEs, one per table, for the whole pass.
    expect(batchDeletes).toHaveLength(4);
  });
});
