/**
 * The ledger's read queries — a page of calls, and a summary (totals, groups, a time series) over a
 * range. Pure SQL on a connection, so the running proxy runs them on a read-only connection in a
 * worker thread (readThread.ts) and the CLI on its own.
 */
import { type CallFilter, type SummaryDimension, UNTAGGED } from '../../../contract/api';
import type { Db } from '../db/open';
import { foldedSql, foldTag } from './tagFold';
import type { CallRecord, Summary, SummaryBucket } from './types';

/** A `calls` row as SQLite returns it. */
export interface CallRow {
  id: number;
  request_id: string;
  ts: number;
  key_fingerprint: string;
  team: string | null;
  feature: string | null;
  user: string | null;
  provider: string;
  endpoint: string;
  model_requested: string;
  model_used: string;
  stream: number;
  cache: CallRecord['cache'];
  similarity: number | null;
  source_entry_id: number | null;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  tokens_estimated: number;
  cost_usd: number;
  saved_usd: number;
  priced: number;
  latency_ms: number;
  overhead_ms: number;
  status: number;
  error_type: string | null;
  route: string | null;
  budget: string | null;
  attempt: number;
  prompt_preview: string | null;
  details: string | null;
}

export interface SummaryOptions {
  from?: number;
  to?: number;
  by?: SummaryDimension;
  bucketMs?: number;
  bucketOffsetMs?: number;
  /** The client's IANA time zone (timeZoneProblem checks it): buckets start at its local hours and midnights, DST and all. */
  tz?: string;
  filter?: CallFilter;
}

const GROUP_COLUMNS = {
  model: 'model_used',
  feature: 'feature',
  team: 'team',
  user: 'user',
  provider: 'provider',
  cache: 'cache',
  endpoint: 'endpoint',
} as const satisfies Record<SummaryDimension, string>;

/** Read bounds: a summary returns at most this many groups (the last one summing the rest) and series points. */
export const MAX_GROUPS = 200;
export const MAX_SERIES = 2000;

/** The WHERE clause of a filter over `calls` (empty when nothing is filtered), with its parameters. */
export function callFilterSql(f: CallFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const eq = (col: string, v: string | undefined) => {
    if (v !== undefined && v !== '') {
      clauses.push(`${col} = ?`);
      params.push(v);
    }
  };
  // `(none)` is the summary's key for calls without the tag (no tag can be spelt with
  // parentheses): filtering by it lists those calls, so an untagged share can be drilled into.
  // A tag matches whatever its case, as a budget scope does (tagFold.ts): a summary row is every
  // spelling of its tag, and so are the calls it drills into.
  const tag = (col: string, v: string | undefined) => {
    if (v === UNTAGGED) clauses.push(`${col} IS NULL`);
    else eq(foldedSql(col), v && foldTag(v));
  };
  tag('team', f.team);
  tag('feature', f.feature);
  tag('user', f.user);
  eq('model_used', f.model);
  eq('cache', f.cache);
  if (f.status === 'ok') clauses.push('status < 400');
  if (f.status === 'error') clauses.push('status >= 400');
  if (f.from !== undefined) {
    clauses.push('ts >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    clauses.push('ts < ?');
    params.push(f.to);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}


const QUARTER = 900_000;
const DAY = 86_400_000;

/** Why `tz` is not a time zone this runtime knows (undefined when it is): a summary's `tz` is checked before it is read. */
export function timeZoneProblem(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `tz must be an IANA time zone name such as Europe/Berlin or Asia/Kathmandu, not ${JSON.stringify(tz.slice(0, 64))}`;
  }
}

/** A zone's UTC offset (ms) at an instant, from Intl: two reads per day of data, not one per quarter. */
function zoneOffsets(tz: string): (t: number) => number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const exact = (t: number): number => {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(t / 1000) * 1000;
  };
  // No zone changes its offset twice in a day: a day whose two ends agree has that offset throughout.
  const days = new Map<number, number | undefined>();
  return (t) => {
    const d = Math.floor(t / DAY) * DAY;
    if (!days.has(d)) days.set(d, exact(d) === exact(d + DAY) ? exact(d) : undefined);
    return days.get(d) ?? exact(t);
  };
}

/**
 * UTC quarter-hour rows summed into local buckets of `b` ms, each keyed by the instant its local start names as
 * the browser's Date reads it: a repeated wall time's first instance, a skipped one's change (so a 23- or 25-hour
 * day is one bucket, and +05:45 hours start at :45 UTC).
 */
function foldIntoZone(rows: NonNullable<Summary['series']>, b: number, tz: string): NonNullable<Summary['series']> {
  const offset = zoneOffsets(tz);
  const valid = (t: number, wall: number) => t + offset(t) === wall;
  const out = new Map<number, NonNullable<Summary['series']>[number]>();
  for (const r of rows) {
    const wall = Math.floor((r.t + offset(r.t)) / b) * b;
    const earlier = wall - offset(wall - DAY);
    const later = wall - offset(wall + DAY);
    const t = valid(later, wall) && !valid(earlier, wall) ? later : earlier;
    const last = out.get(t);
    if (!last) out.set(t, { ...r, t });
    else Object.assign(last, { costUsd: last.costUsd + r.costUsd, savedUsd: last.savedUsd + r.savedUsd, calls: last.calls + r.calls, hits: last.hits + r.hits });
  }
  return [...out.values()].sort((x, y) => x.t - y.t);
}

/**
 * The totals, groups (`by`) and time series (`bucketMs`) of the calls in [from, to) matching a filter,
 * read in one transaction: one snapshot of a ledger another connection (the proxy, beside a report or
 * the read worker) writes meanwhile, or the groups counted calls the totals had not (a report's rows
 * added up to 48,940 calls under a total of 48,809).
 */
export function summarise(db: Db, opts: SummaryOptions): Summary {
  return db.transaction((): Summary => {
    const from = opts.from ?? 0;
    const to = opts.to ?? Date.now() + 1;
    const w = callFilterSql({ ...(opts.filter ?? {}), from, to });
    const agg = `COUNT(*) AS calls, COALESCE(SUM(cost_usd),0) AS costUsd, COALESCE(SUM(saved_usd),0) AS savedUsd,
      COALESCE(SUM(input_tokens),0) AS inputTokens, COALESCE(SUM(output_tokens),0) AS outputTokens,
      COALESCE(SUM(CASE WHEN cache IN ('exact','semantic') THEN 1 ELSE 0 END),0) AS hits,
      COALESCE(SUM(priced = 0 AND input_tokens + output_tokens > 0),0) AS unpricedCalls`;
    // One statement, so the newest id and the totals are one snapshot.
    const { lastId, ...sums } = db.prepare(`SELECT ${agg}, (SELECT COALESCE(MAX(id), 0) FROM calls) AS lastId FROM calls ${w.sql}`).get(...w.params) as Omit<SummaryBucket, 'key'> & { lastId: number };
    const totals = { key: 'total', ...sums };
    let by: SummaryBucket[] = [];
    if (opts.by) {
      const col = GROUP_COLUMNS[opts.by];
      // Past MAX_GROUPS groups (10,000 users), the smallest are summed into one last "N others"
      // bucket (the dashboard's own name for folded rows) instead of being left out: the groups
      // then add up to the totals, as a per-user or per-team report is read.
      const sums = 'SUM(calls) AS calls, SUM(costUsd) AS costUsd, SUM(savedUsd) AS savedUsd, SUM(inputTokens) AS inputTokens, SUM(outputTokens) AS outputTokens, SUM(hits) AS hits, SUM(unpricedCalls) AS unpricedCalls';
      // Tags group whatever their case, as budget scopes match (`Search` and `search` are one team's
      // budget, so one row), under the spelling of the first call: with MIN(id) its only min/max
      // aggregate, SQLite takes a bare column from the row holding the minimum.
      const group = opts.by === 'team' || opts.by === 'user' || opts.by === 'feature' ? foldedSql(col) : col;
      by = db
        .prepare(
          `WITH g AS (SELECT COALESCE(${col}, '${UNTAGGED}') AS key, MIN(id), ${agg} FROM calls ${w.sql} GROUP BY ${group}),
           r AS (SELECT *, ROW_NUMBER() OVER (ORDER BY costUsd DESC, calls DESC, key) AS rn, COUNT(*) OVER () AS n FROM g)
           SELECT CASE WHEN n > ${MAX_GROUPS} AND rn >= ${MAX_GROUPS} THEN (n - ${MAX_GROUPS} + 1) || ' others' ELSE key END AS key, ${sums}
           FROM r GROUP BY CASE WHEN n > ${MAX_GROUPS} AND rn >= ${MAX_GROUPS} THEN 0 ELSE rn END ORDER BY MIN(rn)`,
        )
        .all(...w.params) as SummaryBucket[];
    }
    const summary: Summary = { from, to, totals, lastId, by };
    if (opts.bucketMs && opts.bucketMs > 0) {
      // At most MAX_SERIES points, whatever bucket the client asks for (bucketMs=1 over a year would be billions).
      const oldest = (db.prepare('SELECT MIN(ts) AS t FROM calls').get() as { t: number | null }).t ?? from;
      const span = Math.max(1, Math.min(to, Date.now() + 1) - Math.max(from, oldest));
      let b = Math.max(Math.floor(opts.bucketMs), Math.ceil(span / (MAX_SERIES - 1)));
      // Every UTC offset in use is whole quarter hours: a bucket dividing one is the same in every zone, others are folded from quarters.
      if (opts.tz !== undefined && QUARTER % b !== 0) b = Math.ceil(b / QUARTER) * QUARTER;
      const fold = opts.tz !== undefined && b > QUARTER;
      const base = fold ? QUARTER : b;
      // Buckets start at the client's local midnight/hours: shifted into local time, floored, shifted back.
      const off = opts.tz === undefined ? Math.trunc(opts.bucketOffsetMs ?? 0) : 0;
      const rows = db
        .prepare(
          `SELECT ((ts + ${off}) / ${base}) * ${base} - ${off} AS t, COALESCE(SUM(cost_usd),0) AS costUsd, COALESCE(SUM(saved_usd),0) AS savedUsd, COUNT(*) AS calls,
           COALESCE(SUM(CASE WHEN cache IN ('exact','semantic') THEN 1 ELSE 0 END),0) AS hits FROM calls ${w.sql} GROUP BY 1 ORDER BY 1`,
        )
        .all(...w.params) as NonNullable<Summary['series']>;
      summary.series = fold ? foldIntoZone(rows, b, opts.tz!) : rows;
    }
    return summary;
  })();
}

export interface PageOptions {
  filter: CallFilter;
  limit?: number;
  /** Only calls with a smaller id (the previous page's `nextBefore`). */
  before?: number;
}

/** One page of rows, newest first: up to `limit` (1–1,000) plus one when there are more; `total` matches the filter. */
export function pageRows(db: Db, filter: CallFilter, limit = 100, before?: number): { rows: CallRow[]; total: number; limit: number } {
  // One transaction: `total` counts the snapshot the rows come from.
  return db.transaction(() => {
    const lim = Math.max(1, Math.min(1000, Math.floor(limit)));
    const w = callFilterSql(filter);
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM calls ${w.sql}`).get(...w.params) as { n: number }).n;
    const beforeSql = before !== undefined ? `${w.sql ? `${w.sql} AND` : 'WHERE'} id < ?` : w.sql;
    const params = before !== undefined ? [...w.params, before] : w.params;
    const rows = db.prepare(`SELECT * FROM calls ${beforeSql} ORDER BY id DESC LIMIT ?`).all(...params, lim + 1) as CallRow[];
    return { rows, total, limit: lim };
  })();
}
