/**
 * Feedback and per-feature operating points for the semantic cache, in the proxy's SQLite file.
 *
 * Every served semantic hit is logged with its feature tag and P(same). A false hit — reported by
 * evicting the entry (dashboard), `POST /tollgate/cache/feedback` or an `x-tollgate-feedback:
 * bad-hit` header on the next call — tightens that feature's operating point (and no other's) by
 * STEP_UP. Once a feature has had feedback, the team is known to report bad hits there, so every
 * lookup without a report loosens the point by STEP_DOWN: a rate controller whose equilibrium is
 * TARGET_FALSE_HIT_RATE reported false hits per lookup. A feature that measures few false hits
 * therefore drifts to a looser point, one that measures many to a tighter one; both bounded.
 *
 * Feedback teaches more than a threshold (see also confusions.ts):
 * - Reported confusions: each reported hit's (query, entry) embedding pair is kept per feature;
 *   a later candidate repeating it is not served (decide.ts), however confident the judge is.
 * - Trusted entries: an entry served in a feature with feedback and not reported within
 *   CONFIRM_AFTER_LOOKUPS later lookups has answered a real paraphrase; it needs TRUST_BONUS less
 *   P(same) in that feature (cluster-level evidence the judge cannot see).
 * - The first report proves the team reports, so the lookups since the feature's first served hit
 *   (which went unreported) count as loosening evidence then, instead of being thrown away.
 * - The adjustment shifts the whole per-call requirement, the expected-value term included: a
 *   feature's measured false-hit rate is in-domain calibration of the judge's P.
 *
 * Why not "jump above the probability that was wrong": with a judge that is right ~85 % of the time
 * at its operating point, one wrong hit at P = 0.85 is expected, yet the jump moved the point above
 * nearly every candidate the feature would ever see — no hits, hence no evidence to loosen again
 * (measured: the FAQ replay's hit rate fell from 3.6 % to 2.5 % with feedback on).
 */
import type { SemanticFeatureQuality } from '../../../../../contract/api';
import type { Db, Statement } from '../../../db/open';
import { StatementCache } from '../../../db/statementCache';
import { blobVector, MAX_CONFUSIONS_PER_FEATURE, repeatsConfusion, vectorBlob, type Confusion } from './confusions';

/** How much a reported false hit raises the feature's required P(same). */
export const STEP_UP = 0.02;
/** Reported false hits per lookup the controller settles at (half the 1 % goal, for margin). */
export const TARGET_FALSE_HIT_RATE = 0.005;
/** How much a lookup without a report lowers it (only in features that have had feedback): equilibrium at TARGET_FALSE_HIT_RATE. */
export const STEP_DOWN = (STEP_UP * TARGET_FALSE_HIT_RATE) / (1 - TARGET_FALSE_HIT_RATE);
/** Lowest adjustment below the base operating point feedback can reach. */
export const MAX_LOOSEN = 0.25;
/** Never serve below this P(same), whatever the feedback. */
export const ABSOLUTE_FLOOR = 0.5;
export const UNTAGGED = '(untagged)';
/** Later lookups in the feature without a report after which a served hit counts as confirmed. */
export const CONFIRM_AFTER_LOOKUPS = 20;
/** How much less P(same) an entry with a confirmed hit needs (in a feature with feedback). */
export const TRUST_BONUS = 0.1;
/** Served hits whose query embedding is kept for a later report (older ones drop it: ~2 KB each). */
export const KEEP_QUERY_VECTORS = 10_000;

/** What feedback may teach (all on; the evaluation turns parts off to measure them). */
export interface QualityLearning {
  /** Remember reported (query, entry) pairs and veto candidates that repeat one. */
  confusions: boolean;
  /** Lower the requirement for entries with confirmed hits. */
  trust: boolean;
  /** At the first report, count the earlier unreported lookups as loosening evidence. */
  credit: boolean;
}
export const FULL_LEARNING: QualityLearning = { confusions: true, trust: true, credit: true };
/** The rate controller alone (the rule before reported confusions and trust). */
export const CONTROLLER_ONLY: QualityLearning = { confusions: false, trust: false, credit: false };

export interface HitLog {
  requestId: string;
  /** Embedding of the query that was served (kept so a report can remember the confusion). */
  queryVector?: Float32Array;
  /** The API-key namespace, so a bad-hit header only reaches that key's own last hit. */
  keyNamespace: string;
  feature: string;
  entryId: number;
  probability: number;
  ts?: number;
}

/** `minProbability` is absent when no default operating point is known (no judge decides). */
export type FeedbackResult = { ok: true; feature: string; minProbability?: number; hitId: number } | { ok: false; reason: string };

/** The policy settings feedback depends on (`cache.semantic`). */
export interface QualityPolicy {
  /** false: reports are recorded (false-hit rate) but no operating point moves or applies. */
  adaptive: boolean;
  maxFalseHitRisk?: number | undefined;
}

const DAY_MS = 86_400_000;

export function migrateSemanticQuality(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS semantic_operating_points (
      feature TEXT PRIMARY KEY,
      adjustment REAL NOT NULL,
      feedback INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS semantic_hits (
      id INTEGER PRIMARY KEY,
      request_id TEXT NOT NULL,
      key_namespace TEXT NOT NULL,
      feature TEXT NOT NULL,
      entry_id INTEGER NOT NULL,
      probability REAL NOT NULL,
      ts INTEGER NOT NULL,
      verdict TEXT
    );
    CREATE INDEX IF NOT EXISTS semantic_hits_entry ON semantic_hits(entry_id);
    CREATE INDEX IF NOT EXISTS semantic_hits_request ON semantic_hits(request_id);
    CREATE INDEX IF NOT EXISTS semantic_hits_feature ON semantic_hits(feature, id);
    CREATE INDEX IF NOT EXISTS semantic_hits_key ON semantic_hits(key_namespace, feature, id);
    CREATE TABLE IF NOT EXISTS semantic_confusions (
      id INTEGER PRIMARY KEY,
      feature TEXT NOT NULL,
      query_vector BLOB NOT NULL,
      entry_vector BLOB NOT NULL,
      ts INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS semantic_confusions_feature ON semantic_confusions(feature, id);
    CREATE TABLE IF NOT EXISTS semantic_lookups_daily (
      feature TEXT NOT NULL,
      day INTEGER NOT NULL,
      lookups INTEGER NOT NULL,
      PRIMARY KEY (feature, day)
    );
    -- Retention (retention.ts): what it deletes by age, found without reading the newer rows, and
    -- the lookups of deleted days of features whose hits are kept (their lookup clock).
    CREATE INDEX IF NOT EXISTS semantic_hits_ts ON semantic_hits(ts);
    CREATE INDEX IF NOT EXISTS semantic_lookups_daily_day ON semantic_lookups_daily(day);
    CREATE TABLE IF NOT EXISTS semantic_lookups_carried (
      feature TEXT PRIMARY KEY,
      lookups INTEGER NOT NULL
    );
  `);
  // Columns added after the first release of the table (older databases lack them).
  const cols = new Set((db.prepare('PRAGMA table_info(semantic_hits)').all() as Array<{ name: string }>).map((c) => c.name));
  if (!cols.has('query_vector')) addColumn(db, 'ALTER TABLE semantic_hits ADD COLUMN query_vector BLOB');
  if (!cols.has('lookup_no')) addColumn(db, 'ALTER TABLE semantic_hits ADD COLUMN lookup_no INTEGER');
}

function addColumn(db: Db, alter: string): void {
  try {
    db.exec(alter);
  } catch (err) {
    // Another process on this data directory (two proxies started together after an update)
    // added it between the check and the ALTER: the column is there, which is all this wants.
    if (!/duplicate column/i.test(err instanceof Error ? err.message : String(err))) throw err;
  }
}

interface HitRow {
  id: number;
  feature: string;
  probability: number;
  verdict: string | null;
}

export class SemanticQuality {
  private readonly adjustments = new Map<string, { adjustment: number; feedback: number; persisted: number }>();
  /** The policy's feedback settings (set by the proxy; absent in the evaluation: adaptive, no risk). */
  private policy: (() => QualityPolicy) | undefined;
  /** The judge's cross-validated operating point (set by the semantic cache). */
  private judgePoint: (() => number | undefined) | undefined;
  /** Reported confusions per feature, oldest first (loaded from SQLite). */
  private readonly confusions = new Map<string, Confusion[]>();
  /**
   * Lookups counted so far (the clock confirmations are measured on), kept in memory only for
   * features that have been served a hit: only hits, reports and trust read it. A feature tag is
   * the caller's to choose, and most of a long uptime's distinct features are never served one; their
   * counts live in semantic_lookups_daily alone (read here on a feature's first hit: lookupTotal).
   */
  private readonly lookupTotals = new Map<string, number>();
  /** Whether the store's semantic_entries table exists (it may be created after this tracker). */
  private entriesTable = false;

  /** Prepared statements by SQL text (compiling one costs more than running it). */
  private readonly statements: StatementCache;

  constructor(
    private readonly db: Db,
    readonly learning: QualityLearning = FULL_LEARNING,
  ) {
    this.statements = new StatementCache(db);
    migrateSemanticQuality(db);
    for (const r of db.prepare('SELECT feature, adjustment, feedback FROM semantic_operating_points').all() as Array<{ feature: string; adjustment: number; feedback: number }>) {
      this.adjustments.set(r.feature, { adjustment: r.adjustment, feedback: r.feedback, persisted: r.adjustment });
    }
    for (const r of db.prepare('SELECT feature, query_vector AS q, entry_vector AS e FROM semantic_confusions ORDER BY id').all() as Array<{ feature: string; q: Buffer; e: Buffer }>) {
      this.rememberConfusion(r.feature, { query: blobVector(r.q), entry: blobVector(r.e) });
    }
    // Lookups of days retention deleted count too (semantic_lookups_carried, see retention.ts).
    const served = `SELECT feature, SUM(n) AS n FROM (
        SELECT feature, lookups AS n FROM semantic_lookups_daily UNION ALL SELECT feature, lookups AS n FROM semantic_lookups_carried
      ) WHERE feature IN (SELECT DISTINCT feature FROM semantic_hits) GROUP BY feature`;
    for (const r of db.prepare(served).all() as Array<{ feature: string; n: number }>) {
      this.lookupTotals.set(r.feature, r.n);
    }
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  /** Lookups counted in the feature so far; remembered from now on (see lookupTotals). */
  private lookupTotal(feature: string): number {
    let n = this.lookupTotals.get(feature);
    if (n === undefined) {
      const sql =
        'SELECT (SELECT COALESCE(SUM(lookups), 0) FROM semantic_lookups_daily WHERE feature = ?) + (SELECT COALESCE(SUM(lookups), 0) FROM semantic_lookups_carried WHERE feature = ?)';
      n = Number(this.stmt(sql).pluck().get(feature, feature) ?? 0);
      this.lookupTotals.set(feature, n);
    }
    return n;
  }

  /** Where the policy's feedback settings come from (the live policy store). */
  usePolicy(get: () => QualityPolicy): void {
    this.policy = get;
  }

  /** Where the judge's operating point comes from (the loaded, or loading, embedder's judge). */
  useJudgePoint(get: () => number | undefined): void {
    this.judgePoint = get;
  }

  /** `cache.semantic.adaptive`: whether feedback moves (and applies) per-feature operating points. */
  get adaptive(): boolean {
    return this.policy?.().adaptive ?? true;
  }

  /**
   * The default operating point: 1 − `maxFalseHitRisk` when the policy sets it, else the judge's
   * cross-validated point. Known without a lookup; undefined only when no judge decides.
   */
  defaultBase(): number | undefined {
    const risk = this.policy?.().maxFalseHitRisk;
    if (risk !== undefined) return 1 - risk;
    return this.judgePoint?.();
  }

  /** The feature's shift of the required P(same) (feedback: + tighter, − looser); 0 when not adaptive. */
  adjustment(feature: string | undefined): number {
    if (!this.adaptive) return 0;
    return this.adjustments.get(feature ?? UNTAGGED)?.adjustment ?? 0;
  }

  /** Whether the feature has had feedback (its team is known to report false hits). */
  hasFeedback(feature: string | undefined): boolean {
    return (this.adjustments.get(feature ?? UNTAGGED)?.feedback ?? 0) > 0;
  }

  /**
   * A reported confusion that serving `entryId` to `query` would repeat, in this feature. Reads the
   * entry's stored embedding (semantic_entries) only when the feature has confusions.
   */
  repeatsConfusion(feature: string | undefined, query: Float32Array, entryId: number): boolean {
    if (!this.learning.confusions) return false;
    const list = this.confusions.get(feature ?? UNTAGGED);
    if (!list || list.length === 0) return false;
    const entry = this.entryVector(entryId);
    return entry !== undefined && repeatsConfusion(list, query, entry) !== undefined;
  }

  /**
   * An entry with a confirmed hit in this feature: served, not reported, and CONFIRM_AFTER_LOOKUPS
   * lookups have passed since. Only in features with feedback (elsewhere no report is no evidence).
   */
  isTrusted(feature: string | undefined, entryId: number): boolean {
    if (!this.learning.trust || !this.adaptive || !this.hasFeedback(feature)) return false;
    const name = feature ?? UNTAGGED;
    const before = this.lookupTotal(name) - CONFIRM_AFTER_LOOKUPS;
    const sql =
      "SELECT 1 FROM semantic_hits WHERE entry_id = ? AND feature = ? AND COALESCE(lookup_no, 0) <= ? AND verdict IS NOT 'bad' AND NOT EXISTS (SELECT 1 FROM semantic_hits b WHERE b.entry_id = ? AND b.verdict = 'bad') LIMIT 1";
    const row = this.stmt(sql).get(entryId, name, before, entryId);
    return row !== undefined;
  }

  private entryVector(entryId: number): Float32Array | undefined {
    this.entriesTable ||= this.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'semantic_entries'").get() !== undefined;
    if (!this.entriesTable) return undefined;
    const r = this.stmt('SELECT vector FROM semantic_entries WHERE entry_id = ?').get(entryId) as { vector: Buffer } | undefined;
    return r ? blobVector(r.vector) : undefined;
  }

  private rememberConfusion(feature: string, c: Confusion): void {
    const list = this.confusions.get(feature) ?? this.confusions.set(feature, []).get(feature)!;
    list.push(c);
    if (list.length > MAX_CONFUSIONS_PER_FEATURE) list.shift();
  }

  /** The feature's required P(same) given the default operating point `base` (pure). */
  minProbability(feature: string | undefined, base: number): number {
    const a = this.adjustment(feature);
    return clamp(base + a, Math.min(base, ABSOLUTE_FLOOR), 0.999);
  }

  /** Counts a lookup; in a feature that has had feedback, a lookup is also a small step looser (see STEP_DOWN). */
  countLookup(feature: string | undefined, now = Date.now()): void {
    const name = feature ?? UNTAGGED;
    this.db
      .prepare('INSERT INTO semantic_lookups_daily (feature, day, lookups) VALUES (?, ?, 1) ON CONFLICT(feature, day) DO UPDATE SET lookups = lookups + 1')
      .run(name, Math.floor(now / DAY_MS));
    const total = this.lookupTotals.get(name);
    if (total !== undefined) this.lookupTotals.set(name, total + 1);
    const state = this.adjustments.get(name);
    if (state && state.feedback > 0 && state.adjustment > -MAX_LOOSEN && this.adaptive) {
      state.adjustment = Math.max(-MAX_LOOSEN, state.adjustment - STEP_DOWN);
      // The row is rewritten every ~10 steps (0.001), not per lookup: a lookup stays one write.
      if (Math.abs(state.adjustment - state.persisted) >= 0.001 || state.adjustment === -MAX_LOOSEN) this.setAdjustment(name, state.adjustment, state.feedback);
    }
  }

  /**
   * Logs a served hit. In a feature that has had feedback, the previous hit still without a verdict
   * is marked unreported (taken as good in reports; the point itself moves per lookup).
   */
  recordHit(h: HitLog): number {
    const feature = h.feature || UNTAGGED;
    const state = this.adjustments.get(feature);
    if (state && state.feedback > 0) {
      const prev = this.db.prepare('SELECT id FROM semantic_hits WHERE feature = ? AND verdict IS NULL ORDER BY id DESC LIMIT 1').get(feature) as { id: number } | undefined;
      if (prev) this.db.prepare("UPDATE semantic_hits SET verdict = 'unreported' WHERE id = ?").run(prev.id);
    }
    const info = this.db
      .prepare('INSERT INTO semantic_hits (request_id, key_namespace, feature, entry_id, probability, ts, query_vector, lookup_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(h.requestId, h.keyNamespace, feature, h.entryId, h.probability, h.ts ?? Date.now(), h.queryVector ? vectorBlob(h.queryVector) : null, this.lookupTotal(feature));
    const id = Number(info.lastInsertRowid);
    // Bounded storage: only the newest hits keep their query embedding (checked every 500 hits).
    if (id % 500 === 0) this.stmt('UPDATE semantic_hits SET query_vector = NULL WHERE id <= ? AND query_vector IS NOT NULL').run(id - KEEP_QUERY_VECTORS);
    return id;
  }

  /** The answer in `entryId` was evicted: its latest served hit (if any) was a false hit. */
  onEvict(entryId: number, base: number | undefined): FeedbackResult {
    const hit = this.db.prepare('SELECT id, feature, probability, verdict FROM semantic_hits WHERE entry_id = ? ORDER BY id DESC LIMIT 1').get(entryId) as HitRow | undefined;
    if (!hit) return { ok: false, reason: `entry ${entryId} was never served as a semantic hit` };
    return this.markBad(hit, base);
  }

  /** Feedback on the semantic hit that answered request `requestId`. */
  onRequestFeedback(requestId: string, base: number | undefined): FeedbackResult & { entryId?: number } {
    const hit = this.db.prepare('SELECT id, feature, probability, verdict, entry_id AS entryId FROM semantic_hits WHERE request_id = ? ORDER BY id DESC LIMIT 1').get(requestId) as
      | (HitRow & { entryId: number })
      | undefined;
    if (!hit) return { ok: false, reason: `request ${requestId} was not answered by a semantic hit` };
    return { ...this.markBad(hit, base), entryId: hit.entryId };
  }

  /** `x-tollgate-feedback: bad-hit`: the last semantic hit this key got in this feature was wrong. */
  onLastHitFeedback(keyNamespace: string, feature: string | undefined, base: number | undefined): FeedbackResult & { entryId?: number } {
    const hit = this.db
      .prepare('SELECT id, feature, probability, verdict, entry_id AS entryId FROM semantic_hits WHERE key_namespace = ? AND feature = ? ORDER BY id DESC LIMIT 1')
      .get(keyNamespace, feature ?? UNTAGGED) as (HitRow & { entryId: number }) | undefined;
    if (!hit) return { ok: false, reason: 'no earlier semantic hit for this key and feature' };
    return { ...this.markBad(hit, base), entryId: hit.entryId };
  }

  private markBad(hit: HitRow, base: number | undefined): FeedbackResult {
    const state = this.adjustments.get(hit.feature) ?? { adjustment: 0, feedback: 0, persisted: 0 };
    const result = (): FeedbackResult => ({ ok: true, feature: hit.feature, ...(base !== undefined ? { minProbability: this.minProbability(hit.feature, base) } : {}), hitId: hit.id });
    if (hit.verdict === 'bad') return result();
    // The report always counts (the false-hit rate); the operating point moves only when adaptive.
    this.db.prepare("UPDATE semantic_hits SET verdict = 'bad' WHERE id = ?").run(hit.id);
    this.recordConfusion(hit);
    if (!this.adaptive) return result();
    let from = state.adjustment;
    if (state.feedback === 0 && this.learning.credit) {
      // The first report: the lookups since the feature's first served hit went unreported by a team
      // that reports, so they count as the loosening steps they would have been.
      const first = this.db.prepare('SELECT MIN(lookup_no) AS n FROM semantic_hits WHERE feature = ? AND lookup_no IS NOT NULL').get(hit.feature) as { n: number | null };
      const since = first.n === null ? 0 : Math.max(0, this.lookupTotal(hit.feature) - first.n);
      from = Math.max(-MAX_LOOSEN, from - since * STEP_DOWN);
    }
    // One step tighter than now (not above the wrong P: one miss at P = 0.85 is expected, see the
    // header), at most up to a requirement of 0.999 — and a report never loosens the point.
    const next = Math.max(from, Math.min(from + STEP_UP, base !== undefined ? 0.999 - base : Number.POSITIVE_INFINITY));
    this.setAdjustment(hit.feature, next, state.feedback + 1);
    return result();
  }

  /** Keeps the reported pair (query embedding, entry embedding) when both are still known. */
  private recordConfusion(hit: HitRow): void {
    if (!this.learning.confusions) return;
    const q = this.db.prepare('SELECT query_vector AS v, entry_id AS entryId FROM semantic_hits WHERE id = ?').get(hit.id) as { v: Buffer | null; entryId: number };
    const entry = this.entryVector(q.entryId);
    if (!q.v || !entry) return;
    const query = blobVector(q.v);
    this.db.prepare('INSERT INTO semantic_confusions (feature, query_vector, entry_vector, ts) VALUES (?, ?, ?, ?)').run(hit.feature, vectorBlob(query), vectorBlob(entry), Date.now());
    this.db
      .prepare('DELETE FROM semantic_confusions WHERE feature = ? AND id NOT IN (SELECT id FROM semantic_confusions WHERE feature = ? ORDER BY id DESC LIMIT ?)')
      .run(hit.feature, hit.feature, MAX_CONFUSIONS_PER_FEATURE);
    this.rememberConfusion(hit.feature, { query, entry });
  }

  /** Reported confusions remembered for a feature (for the quality report and tests). */
  confusionCount(feature: string | undefined): number {
    return this.confusions.get(feature ?? UNTAGGED)?.length ?? 0;
  }

  private setAdjustment(feature: string, adjustment: number, feedback: number): void {
    this.adjustments.set(feature, { adjustment, feedback, persisted: adjustment });
    this.db
      .prepare(
        'INSERT INTO semantic_operating_points (feature, adjustment, feedback, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(feature) DO UPDATE SET adjustment = excluded.adjustment, feedback = excluded.feedback, updated_at = excluded.updated_at',
      )
      .run(feature, adjustment, feedback, Date.now());
  }

  /** The feature of the latest semantic hit served from `entryId`, if any. */
  featureOfEntry(entryId: number): string | undefined {
    return (this.db.prepare('SELECT feature FROM semantic_hits WHERE entry_id = ? ORDER BY id DESC LIMIT 1').get(entryId) as { feature: string } | undefined)?.feature;
  }

  /** Per-feature hit and reported false-hit rates since `from` (epoch ms), with a daily series. */
  report(base: number, from = 0): SemanticFeatureQuality[] {
    const fromDay = Math.floor(from / DAY_MS);
    const lookups = this.db.prepare('SELECT feature, day, lookups FROM semantic_lookups_daily WHERE day >= ?').all(fromDay) as Array<{ feature: string; day: number; lookups: number }>;
    const hits = this.db
      .prepare("SELECT feature, ts / 86400000 AS day, COUNT(*) AS hits, SUM(verdict = 'bad') AS bad FROM semantic_hits WHERE ts >= ? GROUP BY feature, day")
      .all(from) as Array<{ feature: string; day: number; hits: number; bad: number | null }>;
    // Each feature's days, grouped in one pass over the rows (a team's feature tags are many: per
    // feature a scan of every row was features × rows).
    type Day = { lookups: number; hits: number; badHits: number };
    const byFeature = new Map<string, Map<number, Day>>();
    const day = (feature: string, d: number): Day => {
      let days = byFeature.get(feature);
      if (!days) {
        days = new Map();
        byFeature.set(feature, days);
      }
      let v = days.get(d);
      if (!v) {
        v = { lookups: 0, hits: 0, badHits: 0 };
        days.set(d, v);
      }
      return v;
    };
    for (const l of lookups) day(l.feature, l.day).lookups += l.lookups;
    for (const h of hits) {
      const d = day(h.feature, Math.floor(h.day));
      d.hits += h.hits;
      d.badHits += h.bad ?? 0;
    }
    const features = new Set([...byFeature.keys(), ...this.adjustments.keys()]);
    return [...features].sort().map((feature) => {
      const days = byFeature.get(feature) ?? new Map<number, Day>();
      const series = [...days].sort((a, b) => a[0] - b[0]).map(([d, v]) => ({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), ...v }));
      const total = series.reduce((s, v) => ({ lookups: s.lookups + v.lookups, hits: s.hits + v.hits, badHits: s.badHits + v.badHits }), { lookups: 0, hits: 0, badHits: 0 });
      const st = this.adjustments.get(feature);
      return {
        feature,
        ...total,
        hitRate: total.lookups ? total.hits / total.lookups : 0,
        falseHitRate: total.lookups ? total.badHits / total.lookups : 0,
        minProbability: this.minProbability(feature, base),
        adjustment: st?.adjustment ?? 0,
        feedback: st?.feedback ?? 0,
        series,
      };
    });
  }
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** One quality tracker per database, so the proxy's stage and the local API see the same state. */
const perDb = new WeakMap<Db, SemanticQuality>();
export function semanticQualityFor(db: Db): SemanticQuality {
  const q = perDb.get(db) ?? new SemanticQuality(db);
  perDb.set(db, q);
  return q;
}
