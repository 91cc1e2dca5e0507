/**
 * What the ledger says a budget's scope spent in a window: the first window of a budget added, renamed
 * or given another period (daily → monthly) starts from it, not from $0 (governor.ts windowSpend).
 */
import type { Db } from '../db/open';
import { heldCalls } from '../ledger/ledger';
import { foldedSql, foldTag } from '../ledger/tagFold';
import type { Scope } from '../policy/schema';
import { toNano } from './migrate';
import { scopeMatches } from './scope';

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
    // SQLite's GLOB reads `?` as one code point, as the live match does (routing/glob.ts).
    where.push(`${foldedSql(tag)} GLOB ?`);
    params.push(sqlGlob(foldTag(pattern)));
  }
  if (scope.key !== undefined) {
    where.push('key_fingerprint GLOB ?');
    params.push(sqlGlob(scope.key));
  }
  // A cache hit's row carries the tokens of the answer it replayed; no budget is charged them (the
  // caches answer before admission), and counted here a token budget added after them started spent.
  const sum = db
    .prepare(
      `SELECT COALESCE(SUM(cost_usd), 0) AS usd, COALESCE(SUM(CASE WHEN cache IN ('exact', 'semantic') THEN 0 ELSE input_tokens + output_tokens END), 0) AS tokens
       FROM calls WHERE ${where.join(' AND ')}`,
    )
    .get(...params) as { usd: number; tokens: number };
  // Rows held while the file is locked or full are calls too; a background charge's own may be one (governor.ts charge).
  for (const r of heldCalls(db)) {
    if (r.ts < from || r.ts >= to || !scopeMatches(scope, { keyFingerprint: r.keyFingerprint, ...r.tags })) continue;
    sum.usd += r.costUsd;
    if (r.cache !== 'exact' && r.cache !== 'semantic') sum.tokens += r.inputTokens + r.outputTokens;
  }
  return { nano: toNano(sum.usd), tokens: sum.tokens };
}
