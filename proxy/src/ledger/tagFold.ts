/**
 * One case-folding rule for team, user and feature tags, wherever they are compared: budget scopes
 * (governance/scope.ts), reports and filters (ledgerReads.ts), and a budget's window seeded from the
 * ledger (governance/ledgerSeed.ts). JavaScript's toLowerCase: letters of every script, `ß` kept
 * (`STRASSE` and `straße` stay two tags); composed first (NFC), since `é` arrives as one code point
 * or as `e` and a combining accent (macOS file names, some keyboards) and was two tags. SQLite's lower() and NOCASE fold ASCII only, so a report
 * showed `Équipe` and `équipe` as two rows of the one budget that counts both.
 */
import { foldTag } from '../../../contract/api';
import type { Db } from '../db/sqlite';

export { foldTag };

/**
 * A column's tag folded in SQL, as foldTag folds it. ASCII-only text (as many characters as bytes)
 * folds with SQLite's own lower(), which is the same fold there; only other text calls tg_fold, a
 * call into JavaScript per row that made a filtered summary of 100k calls ~6x slower when every row took it.
 */
export const foldedSql = (col: string): string => `CASE WHEN length(${col}) < octet_length(${col}) THEN tg_fold(${col}) ELSE lower(${col}) END`;

/**
 * Registers `tg_fold(tag)` (NULL stays NULL) on a connection. Every connection that reads tags
 * does: db/open.ts's openDatabase and the read worker's own.
 */
export function registerTagFold(db: Db): Db {
  db.handle.function('tg_fold', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? foldTag(v) : v));
  return db;
}
