/**
 * What the ledger says a budget's scope spent in a window, for the first window of a budget whose
 * period was changed (daily → monthly), by a hot reload or a restart. Counted from nothing, a daily
 * budget made monthly on the 20th let the scope spend its whole limit again on top of the month so far.
 */
import type { Db } from '../db/open';
import { foldedSql, foldTag } from '../ledger/tagFold';
import type { Scope } from '../policy/schema';
import { toNano } from './migrate';

/** A policy glob (`*`, `?`, all else literal: routing/glob.ts) as SQLite's GLOB reads it: `[` opens a class there. */
const sqlGlob = (pattern: string): string => pattern.replace(/\[/g, '[[]');

/**
 * Dollars (nano) and tokens of the ledger's calls in [from, to) that the scope matches, matched in
 * SQL (one pass over the window's rows by their time index): tags folded by the one rule
 * (ledger/tagFold.ts), keys exactly, as scope.ts matches them.
 */
export function ledgerSpend(db: Db, scope: Scope, from: number, to: number): { nano: number; tokens: number } {
  // A governor on a file without a ledger (tools, tests of the governor alone) has nothing to read.
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'calls'").get() === undefined) return { nano: 0, tokens: 0 };
  const where = ['ts >= ?', 'ts < ?'];
  const params: Array<string | number> = [from, to];
  for (const tag of ['team', 'user', 'feature'] as const) {
    const pattern = scope[tag];
    if (pattern === undefined) continue;
    where.push(`${foldedSql(tag)} GLOB ?`);
    params.push(sqlGlob(foldTag(pattern)));
  }
  if (scope.key !== undefined) {
    where.push('key_fingerprint GLOB ?');
    params.push(sqlGlob(scope.key));
  }
  const sum = db
    .prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS usd, COALESCE(SUM(input_tokens + output_tokens), 0) AS tokens FROM calls WHERE ${where.join(' AND ')}`)
    .get(...params) as { usd: number; tokens: number };
  return { nano: toNano(sum.usd), tokens: sum.tokens };
}
