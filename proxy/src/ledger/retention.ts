/**
 * Ledger retention: rows older than `ledger.maxAgeDays` are deleted, and while the ledger holds
 * more than `ledger.maxBytes` (estimated, see ledgerBytes) the oldest rows are deleted in batches;
 * SQLite reuses the freed pages for new rows, so the file stops growing. Runs at start, every few
 * minutes, and after every `everyCalls` new rows, so a flood of requests cannot outgrow it for long.
 */
import type { Db } from '../db/open';
import type { Ledger } from './ledger';

export interface RetentionSettings {
  maxAgeDays: number;
  maxBytes: number;
}

export interface RetentionResult {
  deletedByAge: number;
  deletedBySize: number;
}

const DAY_MS = 24 * 3600 * 1000;
const BATCH = 2000;

/** Per-row overhead beyond the text columns: ~20 numeric columns, the record header, two index entries. */
const ROW_OVERHEAD = 160;

/**
 * Estimated bytes the ledger occupies: row count × the average size of the newest 1000 rows. The
 * database also holds the cache (bounded by its own settings), so the file size would not do, and
 * SQLite's dbstat would read every page. Rows are length-capped, so the average is representative.
 */
export function ledgerBytes(db: Db): { rows: number; bytesPerRow: number; bytes: number } {
  const rows = (db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
  if (rows === 0) return { rows, bytesPerRow: 0, bytes: 0 };
  const avg = db
    .prepare(
      `SELECT AVG(LENGTH(request_id) + LENGTH(key_fingerprint) + IFNULL(LENGTH(team),0) + IFNULL(LENGTH(feature),0) + IFNULL(LENGTH(user),0)
        + LENGTH(provider) + LENGTH(endpoint) + LENGTH(model_requested) + LENGTH(model_used) + LENGTH(cache) + IFNULL(LENGTH(error_type),0)
        + IFNULL(LENGTH(route),0) + IFNULL(LENGTH(budget),0) + IFNULL(LENGTH(prompt_preview),0) + IFNULL(LENGTH(details),0)) AS a
       FROM (SELECT * FROM calls ORDER BY id DESC LIMIT 1000)`,
    )
    .get() as { a: number | null };
  const bytesPerRow = (avg.a ?? 0) + ROW_OVERHEAD;
  return { rows, bytesPerRow, bytes: Math.round(rows * bytesPerRow) };
}

export function applyRetention(db: Db, settings: RetentionSettings, now = Date.now()): RetentionResult {
  const cutoff = now - settings.maxAgeDays * DAY_MS;
  // calls_ts index: the delete touches only the old rows.
  const deletedByAge = db.prepare('DELETE FROM calls WHERE ts < ?').run(cutoff).changes;
  let deletedBySize = 0;
  const size = ledgerBytes(db);
  if (size.bytes > settings.maxBytes) {
    // Delete down to 90% of the limit so the next check does not fire again at once.
    let excess = Math.min(size.rows, Math.ceil((size.bytes - settings.maxBytes * 0.9) / size.bytesPerRow));
    const oldest = db.prepare('DELETE FROM calls WHERE id IN (SELECT id FROM calls ORDER BY id LIMIT ?)');
    while (excess > 0) {
      const n = oldest.run(Math.min(BATCH, excess)).changes;
      if (n === 0) break;
      deletedBySize += n;
      excess -= n;
    }
  }
  return { deletedByAge, deletedBySize };
}

export class LedgerRetention {
  private timer: NodeJS.Timeout | undefined;
  private sinceCheck = 0;
  private readonly onCall = () => {
    if (++this.sinceCheck >= this.everyCalls) this.run();
  };

  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly settings: () => RetentionSettings,
    private readonly log: (line: string) => void = () => {},
    private readonly everyCalls = 500,
    private readonly intervalMs = 5 * 60_000,
  ) {}

  /**
   * The first run throws: at start a failure means the ledger cannot be read at all (a damaged
   * file), which the proxy must refuse rather than serve calls it cannot record.
   */
  start(): this {
    this.sinceCheck = 0;
    this.report(applyRetention(this.db, this.settings()));
    this.ledger.on('call', this.onCall);
    this.timer = setInterval(() => this.run(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  run(): RetentionResult {
    this.sinceCheck = 0;
    let r: RetentionResult;
    try {
      r = applyRetention(this.db, this.settings());
    } catch (err) {
      // Runs from a timer and from the ledger's 'call' event: a failure here (a full disk cannot
      // even take a DELETE's WAL frames) must neither crash the proxy nor fail the call that
      // triggered it. The next run tries again.
      this.log(`ledger retention skipped: ${err instanceof Error ? err.message : String(err)}`);
      return { deletedByAge: 0, deletedBySize: 0 };
    }
    return this.report(r);
  }

  private report(r: RetentionResult): RetentionResult {
    if (r.deletedByAge + r.deletedBySize > 0) {
      this.log(`ledger retention: deleted ${r.deletedByAge} row(s) past ledger.maxAgeDays and ${r.deletedBySize} over ledger.maxBytes`);
    }
    return r;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.ledger.off('call', this.onCall);
  }
}
