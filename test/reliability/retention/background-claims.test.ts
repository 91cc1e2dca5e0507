/**
 * Billing claims of OpenAI background responses (one row per response, so later polls of it are
 * recorded at $0) grew for the life of the data directory. Retention now deletes them past
 * `ledger.maxAgeDays`, but never before OpenAI stops keeping the response (30 days): a claim
 * deleted earlier would bill a later poll a second time. Real SQLite file.
 */
import { describe, expect, it } from 'vitest';
import { claimBackgroundResponse } from '../../../proxy/src/ledger/backgroundResponses';
import { applyRetention, RETENTION_BATCH } from '../../../proxy/src/ledger/retention';
import { retentionDb } from '../../db/support/retentionDb';

const DAY = 86_400_000;
// The ledger's tables, as in a proxy.
const t = retentionDb('claims-retention');

const claims = (): string[] => t.db.prepare('SELECT response_id FROM background_responses_billed ORDER BY response_id').pluck().all() as string[];

describe('background response claims under retention', () => {
  it('are deleted past maxAgeDays, but kept while OpenAI may still answer a poll of the response', () => {
    const now = Date.now();
    claimBackgroundResponse(t.db, 'resp_100d', now - 100 * DAY);
    claimBackgroundResponse(t.db, 'resp_60d', now - 60 * DAY);
    claimBackgroundResponse(t.db, 'resp_20d', now - 20 * DAY);
    claimBackgroundResponse(t.db, 'resp_now', now);

    applyRetention(t.db, { maxAgeDays: 90, maxBytes: 1e12 }, now);
    expect(claims()).toEqual(['resp_20d', 'resp_60d', 'resp_now']);

    // The shortest retention a policy allows (1 day) still keeps a 20-day-old response's claim.
    applyRetention(t.db, { maxAgeDays: 1, maxBytes: 1e12 }, now);
    expect(claims()).toEqual(['resp_20d', 'resp_now']);
    expect(claimBackgroundResponse(t.db, 'resp_20d', now)).toBe(false); // a poll now is not billed again
  });

  it('a large backlog goes in bounded batches', () => {
    const now = Date.now();
    const n = RETENTION_BATCH * 2 + 3;
    t.db.transaction(() => {
      for (let i = 0; i < n; i++) claimBackgroundResponse(t.db, `resp_${i}`, now - 200 * DAY);
    })();
    claimBackgroundResponse(t.db, 'resp_now', now);
    applyRetention(t.db, { maxAgeDays: 90, maxBytes: 1e12 }, now);
    expect(claims()).toEqual(['resp_now']);
  });
});
