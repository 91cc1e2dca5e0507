/**
 * Billing claims of OpenAI background responses (one row per response, so later polls of it are
 * recorded at $0) grew for the life of the data directory. Retention now deletes them past
 * `ledger.maxAgeDays`, but never before OpenAI stops keeping the response (30 days): a claim
 * deleted earlier would bill a later poll a second time. Real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../proxy/src/db/open';
import { claimBackgroundResponse } from '../../../proxy/src/ledger/backgroundResponses';
import { Ledger } from '../../../proxy/src/ledger/ledger';
import { applyRetention, RETENTION_BATCH } from '../../../proxy/src/ledger/retention';

const DAY = 86_400_000;
let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-claims-retention-'));
  db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
  new Ledger(db); // the ledger's tables, as in a proxy
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const claims = (): string[] => db.prepare('SELECT response_id FROM background_responses_billed ORDER BY response_id').pluck().all() as string[];

describe('background response claims under retention', () => {
  it('are deleted past maxAgeDays, but kept while OpenAI may still answer a poll of the response', () => {
    const now = Date.now();
    claimBackgroundResponse(db, 'resp_100d', now - 100 * DAY);
    claimBackgroundResponse(db, 'resp_60d', now - 60 * DAY);
    claimBackgroundResponse(db, 'resp_20d', now - 20 * DAY);
    claimBackgroundResponse(db, 'resp_now', now);

    applyRetention(db, { maxAgeDays: 90, maxBytes: 1e12 }, now);
    expect(claims()).toEqual(['resp_20d', 'resp_60d', 'resp_now']);

    // The shortest retention a policy allows (1 day) still keeps a 20-day-old response's claim.
    applyRetention(db, { maxAgeDays: 1, maxBytes: 1e12 }, now);
    expect(claims()).toEqual(['resp_20d', 'resp_now']);
    expect(claimBackgroundResponse(db, 'resp_20d', now)).toBe(false); // a poll now is not billed again
  });

  it('a large backlog goes in bounded batches', () => {
    const now = Date.now();
    const n = RETENTION_BATCH * 2 + 3;
    db.transaction(() => {
      for (let i = 0; i < n; i++) claimBackgroundResponse(db, `resp_${i}`, now - 200 * DAY);
    })();
    claimBackgroundResponse(db, 'resp_now', now);
    applyRetention(db, { maxAgeDays: 90, maxBytes: 1e12 }, now);
    expect(claims()).toEqual(['resp_now']);
  });
});
