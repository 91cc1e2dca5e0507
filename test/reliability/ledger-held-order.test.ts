/**
 * Held ledger rows (disk full, database locked) were written strictly oldest first, stopping at the
 * first that failed: one row that still did not fit — a large row when only a little space came
 * back, or a row SQLite refuses outright — kept every row behind it, and every new call's row, in
 * memory until the proxy stopped (and then lost them). Now a row that fails is kept for the next
 * retry and the rows behind it are written; only a locked database stops the pass. Real SQLite:
 * `PRAGMA max_page_count` is the full disk, a trigger the row SQLite refuses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../proxy/src/db/open';
import { Ledger, type NewCallRecord } from '../../proxy/src/ledger/ledger';
import { tempDb, type TempDb } from '../governance/helpers';
import { ledgerRow } from '../support/ledgerRow';

let t: TempDb | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** A ledger on a fresh file, with what it warns and announces. */
function setup(): { db: Db; ledger: Ledger; warnings: string[]; announced: string[] } {
  t = tempDb();
  const db = t.open();
  const warnings: string[] = [];
  const ledger = new Ledger(db, undefined, (line) => warnings.push(line));
  const announced: string[] = [];
  ledger.on('call', (c) => {
    if (!c.requestId.startsWith('filler')) announced.push(c.requestId);
  });
  return { db, ledger, warnings, announced };
}

/**
 * The file cannot grow (no free page, no room for another) and its pages are full: rows are
 * recorded until one is held. That filler row stays held with the test's rows. Returns the page count.
 */
function fillDisk(db: Db, ledger: Ledger): number {
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  for (let i = 0; ledger.heldCount === 0 && i < 10_000; i++) ledger.record(ledgerRow({ requestId: `filler-${i}` }));
  expect(ledger.heldCount).toBe(1);
  return pages;
}

/** A row of ~70 kB (the largest the caps allow: a source prompt and 64 response headers). */
const bigRow = (requestId: string): NewCallRecord =>
  ledgerRow({
    requestId,
    details: {
      sourcePrompt: 'p'.repeat(4000),
      responseHeaders: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`x-big-${i}`, 'h'.repeat(1024)])),
    },
  });

const count = (db: Db, requestId: string): number => (db.prepare('SELECT COUNT(*) AS n FROM calls WHERE request_id = ?').get(requestId) as { n: number }).n;

describe('held ledger rows: one that still fails does not hold back the rest', () => {
  it('a large row that does not fit yet: the small rows behind it, and new calls, are written', () => {
    const { db, ledger, announced } = setup();
    const pages = fillDisk(db, ledger);
    ledger.record(bigRow('big'));
    ledger.record(ledgerRow({ requestId: 'small-1' }));
    expect(ledger.heldCount).toBe(3);
    // A little space comes back: room for small rows, not for the large one's overflow pages.
    db.pragma(`max_page_count = ${pages + 2}`);
    expect(ledger.writeHeld()).toBe(1);
    expect(announced).toEqual(['small-1']);
    expect(count(db, 'small-1')).toBe(1);
    // A new call's row is written at once, not queued behind the large one.
    ledger.record(ledgerRow({ requestId: 'small-2' }));
    expect(count(db, 'small-2')).toBe(1);
    expect(ledger.heldCount).toBe(1);
    expect(announced).toEqual(['small-1', 'small-2']);
    // Space returns: the large row is written too, and every row exactly once.
    db.pragma('max_page_count = 4294967294');
    expect(ledger.writeHeld()).toBe(0);
    expect(announced).toEqual(['small-1', 'small-2', 'big']);
    for (const id of ['big', 'small-1', 'small-2']) expect(count(db, id)).toBe(1);
    expect(ledger.close()).toBe(0);
  });

  it('a held row SQLite now refuses outright is kept (said once, not dropped) while the rows behind it are written', () => {
    const { db, ledger, warnings, announced } = setup();
    fillDisk(db, ledger);
    ledger.record(ledgerRow({ requestId: 'refused' }));
    ledger.record(ledgerRow({ requestId: 'next-1' }));
    expect(ledger.heldCount).toBe(3);
    db.pragma('max_page_count = 4294967294');
    db.exec("CREATE TRIGGER refuse_one BEFORE INSERT ON calls WHEN NEW.request_id = 'refused' BEGIN SELECT RAISE(ABORT, 'this row is refused'); END;");
    warnings.length = 0;
    expect(ledger.writeHeld()).toBe(1);
    ledger.record(ledgerRow({ requestId: 'next-2' }));
    ledger.writeHeld();
    expect(announced).toEqual(['next-1', 'next-2']);
    expect(ledger.heldCount).toBe(1);
    // Named once with its reason, not on every retry.
    expect(warnings.filter((w) => w.includes('this row is refused'))).toHaveLength(1);
    // Once SQLite takes it, it is written once; nothing is left to lose at close.
    db.exec('DROP TRIGGER refuse_one');
    expect(ledger.writeHeld()).toBe(0);
    expect(count(db, 'refused')).toBe(1);
    expect(announced).toEqual(['next-1', 'next-2', 'refused']);
    expect(ledger.close()).toBe(0);
  });

  it('rows still refused at close are reported lost, with their count; the rows behind them are written', () => {
    const { db, ledger, warnings } = setup();
    fillDisk(db, ledger);
    // More refused rows than one pass tries before it stops.
    for (let i = 0; i < 6; i++) ledger.record(ledgerRow({ requestId: `refused-${i}` }));
    ledger.record(ledgerRow({ requestId: 'next' }));
    db.pragma('max_page_count = 4294967294');
    db.exec("CREATE TRIGGER refuse_some BEFORE INSERT ON calls WHEN NEW.request_id LIKE 'refused-%' BEGIN SELECT RAISE(ABORT, 'this row is refused'); END;");
    expect(ledger.close()).toBe(6);
    expect(count(db, 'next')).toBe(1);
    expect(warnings.some((w) => /6 ledger row\(s\) could not be written .* lost/.test(w))).toBe(true);
  });
});

describe('held ledger rows: what the proxy says while the disk stays full', () => {
  it('warns once when rows start being held (not once per call), and once with the count when they are written', () => {
    const { db, ledger, warnings } = setup();
    fillDisk(db, ledger);
    // Every later call while the disk stays full: held, and not another warning each.
    for (let i = 0; i < 20; i++) ledger.record(ledgerRow({ requestId: `full-${i}` }));
    expect(ledger.heldCount).toBe(21);
    expect(warnings.filter((w) => w.startsWith('disk full'))).toHaveLength(1);
    db.pragma('max_page_count = 4294967294');
    ledger.record(ledgerRow({ requestId: 'after' }));
    expect(ledger.heldCount).toBe(0);
    expect(warnings.filter((w) => w.startsWith('wrote'))).toEqual(['wrote 21 ledger row(s) held while the database refused writes']);
    // The next full disk is a new episode: said again.
    fillDisk(db, ledger);
    expect(warnings.filter((w) => w.startsWith('disk full'))).toHaveLength(2);
    db.pragma('max_page_count = 4294967294');
    expect(ledger.close()).toBe(0);
  });
});
