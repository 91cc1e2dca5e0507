/**
 * Quality sampling results: one row per sampled call (the routed tier, whether the judge found the
 * answers in agreement, what sampling cost), in the proxy's SQLite file. Measured quality loss per
 * route is the share of judged samples where the routed answer was worse; the drift alarm rings when
 * the loss over the most recent `window` samples of a route exceeds the policy's `alarmLoss`, or
 * exceeds the route's earlier loss by more than `alarmRise`.
 */
import type { Db } from '../../db/open';

export interface QualitySample {
  ts: number;
  requestId: string;
  tier: string;
  model: string;
  largeModel: string;
  verdict: 'agree' | 'disagree' | 'unclear';
  /** $ of the large-tier call and the judge call (also in the ledger as their own rows). */
  costUsd: number;
}

export interface RouteQuality {
  tier: string;
  model: string;
  samples: number;
  judged: number;
  agree: number;
  /** disagree / judged over all samples (0 when none judged). */
  loss: number;
  /** The same over the most recent `window` judged samples. */
  recentLoss: number;
  /** Loss of the judged samples before the recent window (undefined when there are none). */
  earlierLoss?: number;
  costUsd: number;
  alarm: boolean;
  alarmReason?: string;
}

export interface AlarmSettings {
  window: number;
  alarmLoss: number;
  alarmRise: number;
}

export class QualityMonitor {
  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS router_quality_samples (
      id INTEGER PRIMARY KEY,
      ts INTEGER NOT NULL,
      request_id TEXT NOT NULL,
      tier TEXT NOT NULL,
      model TEXT NOT NULL,
      large_model TEXT NOT NULL,
      verdict TEXT NOT NULL,
      cost_usd REAL NOT NULL
    )`);
  }

  record(s: QualitySample): void {
    this.db
      .prepare('INSERT INTO router_quality_samples (ts, request_id, tier, model, large_model, verdict, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.ts, s.requestId, s.tier, s.model, s.largeModel, s.verdict, s.costUsd);
  }

  /** Per routed tier and model, newest samples last. */
  routes(settings: AlarmSettings): RouteQuality[] {
    const rows = this.db
      .prepare('SELECT tier, model, verdict, cost_usd AS costUsd FROM router_quality_samples ORDER BY id')
      .all() as Array<{ tier: string; model: string; verdict: QualitySample['verdict']; costUsd: number }>;
    const groups = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = `${r.tier}\u0000${r.model}`;
      const g = groups.get(k) ?? [];
      g.push(r);
      groups.set(k, g);
    }
    const out: RouteQuality[] = [];
    for (const g of groups.values()) {
      const judged = g.filter((r) => r.verdict !== 'unclear');
      const lossOf = (xs: typeof judged) => (xs.length ? xs.filter((r) => r.verdict === 'disagree').length / xs.length : 0);
      const recent = judged.slice(-settings.window);
      const earlier = judged.slice(0, Math.max(0, judged.length - settings.window));
      const q: RouteQuality = {
        tier: g[0]!.tier,
        model: g[0]!.model,
        samples: g.length,
        judged: judged.length,
        agree: judged.filter((r) => r.verdict === 'agree').length,
        loss: lossOf(judged),
        recentLoss: lossOf(recent),
        costUsd: g.reduce((s, r) => s + r.costUsd, 0),
        alarm: false,
      };
      if (earlier.length) q.earlierLoss = lossOf(earlier);
      if (recent.length >= Math.min(settings.window, 5) && q.recentLoss > settings.alarmLoss) {
        q.alarm = true;
        q.alarmReason = `quality loss ${(q.recentLoss * 100).toFixed(0)} % over the last ${recent.length} samples exceeds ${(settings.alarmLoss * 100).toFixed(0)} %`;
      } else if (q.earlierLoss !== undefined && recent.length >= Math.min(settings.window, 5) && q.recentLoss - q.earlierLoss > settings.alarmRise) {
        q.alarm = true;
        q.alarmReason = `quality loss rose from ${(q.earlierLoss * 100).toFixed(0)} % to ${(q.recentLoss * 100).toFixed(0)} %`;
      }
      out.push(q);
    }
    return out.sort((a, b) => (a.tier < b.tier ? -1 : a.tier > b.tier ? 1 : a.model < b.model ? -1 : 1));
  }
}
