/**
 * Thousands of distinct models (a gateway passing deployment ids through, a fine-tune per customer)
 * in the "spend by model" bars: the proxy's real summary of a real ledger file, folded to 8 rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { topBuckets } from '../../webview/src/charts/barList';
import { ledgerRow } from '../support/ledgerRow';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-many-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('folds 5,000 models into the top 7 and one "others" row counted like every other figure', () => {
  const db = openDatabase(join(dir, 'tollgate.db'));
  try {
    const ledger = new Ledger(db);
    const now = Date.now();
    for (let i = 0; i < 5_000; i++) ledger.record(ledgerRow({ requestId: `r${i}`, ts: now - i, modelUsed: `ft:gpt-4o-mini:acme:customer-${i}`, costUsd: (i + 1) / 1e6 }));
    const summary = ledger.summary({ from: now - 60_000, to: now + 1, by: 'model' });
    // The proxy sends its top groups and one last bucket summing the rest (ledgerReads.ts MAX_GROUPS):
    // here that bucket outweighs every model, yet it is 4,801 models, not one.
    expect(summary.by.length).toBeLessThan(5_000);
    const rows = topBuckets(summary.by ?? []);
    expect(rows).toHaveLength(8);
    expect(rows.slice(0, 7).map((b) => b.key)).toEqual([4999, 4998, 4997, 4996, 4995, 4994, 4993].map((i) => `ft:gpt-4o-mini:acme:customer-${i}`));
    // "4993 others" beside "12,345 calls": thousands read the same in every figure.
    expect(rows[7]!.key).toBe('4,993 others');
    expect(rows.reduce((n, b) => n + b.calls, 0)).toBe(summary.totals.calls);
    expect(rows[7]!.costUsd).toBeCloseTo(summary.totals.costUsd - rows.slice(0, 7).reduce((n, b) => n + b.costUsd, 0), 9);
  } finally {
    db.close();
  }
});
