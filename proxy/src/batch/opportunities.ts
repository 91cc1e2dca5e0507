/**
 * Where the money is: per feature, what its real-time calls would have cost at the batch rate and,
 * for models that offer it, at the flex rate, and whether the feature looks latency-tolerant (named
 * like offline work, tagged as automation, called mostly at night, or never streamed). Read from the
 * ledger; pure once the rows are in hand.
 */
import type { BatchOpportunities, BatchOpportunity } from '../../../contract/batch';
import type { Db } from '../db/open';
import { batchDiscount, flexDiscount } from './discounts';

/** The API's shape (contract/batch.ts); the name the CLI already used stays as an alias. */
export type Opportunities = BatchOpportunities;

/** Names that say the work is offline (evals, reports, backfills…). */
const OFFLINE_NAME = /(eval|batch|report|nightly|offline|backfill|etl|digest|bulk|index|classif|enrich|label|ci\b|cron)/i;
/** A user or team tag that names a machine, not a person: CI jobs, bots, cron scripts. */
const AUTOMATION_TAG = /(^|[-_.:/ ])(ci|bot|cron|runner|script|scripts|pipeline|github-actions|gha|jenkins|gitlab-ci|buildkite|automation|scheduler|job)([-_.:/ ]|$)/i;
const MAX_ROWS = 200_000;

interface CallRow {
  feature: string | null;
  provider: string;
  model_used: string;
  ts: number;
  stream: number;
  cost_usd: number;
  team?: string | null;
  user?: string | null;
}

function automationTag(r: CallRow): string | undefined {
  if (r.user && AUTOMATION_TAG.test(r.user)) return `user=${r.user}`;
  if (r.team && AUTOMATION_TAG.test(r.team)) return `team=${r.team}`;
  return undefined;
}

/**
 * `upstreamOf` names what a ledger row's provider is for its batch and flex discounts (rates.ts
 * batchUpstream of the configured provider); by default the name itself, for rows of a provider no
 * longer configured. Flex goes by the upstream too: by name, OpenAI named `openai-prod` showed no
 * flex saving and an Azure resource named `openai` showed one it cannot get.
 */
export function opportunitiesFromRows(rows: readonly CallRow[], from: number, upstreamOf: (provider: string) => string | undefined = (name) => name): Opportunities {
  const byFeature = new Map<string, { calls: number; cost: number; batch: number; flex: number; night: number; stream: number; automated: number; automationTag?: string }>();
  for (const r of rows) {
    const key = r.feature ?? '(untagged)';
    const acc = byFeature.get(key) ?? { calls: 0, cost: 0, batch: 0, flex: 0, night: 0, stream: 0, automated: 0 };
    acc.calls += 1;
    acc.cost += r.cost_usd;
    const upstream = upstreamOf(r.provider);
    acc.batch += r.cost_usd * (batchDiscount(upstream)?.factor ?? 1);
    // The saving a `routing.flex` rule can get: only where Tollgate asks for flex (FLEX_TIERS `ask`).
    const flex = flexDiscount(upstream, r.model_used);
    acc.flex += r.cost_usd * (flex?.ask ? flex.factor : 1);
    const hour = new Date(r.ts).getHours();
    if (hour >= 22 || hour < 6) acc.night += 1;
    if (r.stream) acc.stream += 1;
    const tag = automationTag(r);
    if (tag) {
      acc.automated += 1;
      acc.automationTag ??= tag;
    }
    byFeature.set(key, acc);
  }
  const features = [...byFeature.entries()].map(([feature, a]): BatchOpportunity => {
    const nightShare = a.calls ? a.night / a.calls : 0;
    const streamShare = a.calls ? a.stream / a.calls : 0;
    const reasons: string[] = [];
    if (feature !== '(untagged)' && OFFLINE_NAME.test(feature)) reasons.push('named like offline work');
    if (a.automated * 2 >= a.calls && a.automationTag) reasons.push(`called by automation (${a.automationTag})`);
    if (nightShare >= 0.5) reasons.push(`${Math.round(nightShare * 100)} % of calls at night`);
    if (a.calls >= 20 && streamShare === 0) reasons.push('never streamed');
    return {
      feature,
      calls: a.calls,
      costUsd: a.cost,
      batchUsd: a.batch,
      flexUsd: a.flex,
      nightShare,
      streamShare,
      latencyTolerant: reasons.length > 0,
      reasons,
    };
  });
  features.sort((x, y) => y.costUsd - y.batchUsd - (x.costUsd - x.batchUsd));
  return { from, features };
}

/**
 * What opportunities() reads: the range's start, and each configured provider's upstream
 * (rates.ts batchUpstreamOf) as data, not a function: the scan runs in the ledger's read worker.
 * A provider not named there (no longer configured) stands for itself.
 */
export interface OpportunitiesOptions {
  from: number;
  upstreams: Readonly<Record<string, string | undefined>>;
}

export function opportunities(db: Db, { from, upstreams }: OpportunitiesOptions): Opportunities {
  // Real-time calls that reached the provider and succeeded: hits and batch results are already cheap.
  const rows = db
    .prepare(
      `SELECT feature, provider, model_used, ts, stream, cost_usd, team, user FROM calls
        WHERE ts >= ? AND cache = 'miss' AND status = 200 AND endpoint NOT LIKE 'batch:%'
        ORDER BY id DESC LIMIT ${MAX_ROWS}`,
    )
    .all(from) as CallRow[];
  return opportunitiesFromRows(rows, from, (name) => (Object.hasOwn(upstreams, name) ? upstreams[name] : name));
}

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

export function formatOpportunities(o: Opportunities): string {
  if (o.features.length === 0) return 'no real-time calls in that period';
  const lines = ['feature                  calls     cost    as batch   as flex  latency-tolerant?'];
  for (const f of o.features) {
    lines.push(
      `${f.feature.slice(0, 22).padEnd(22)} ${String(f.calls).padStart(7)} ${usd(f.costUsd).padStart(9)} ${usd(f.batchUsd).padStart(10)} ${usd(f.flexUsd).padStart(9)}  ${f.latencyTolerant ? `yes (${f.reasons.join('; ')})` : 'no'}`,
    );
  }
  return lines.join('\n');
}
