/**
 * A year of data for a team's proxy: a data directory with a ledger of `calls` rows spread over 12
 * months (models, providers, teams, 5,000 users, 200 features, cache hits, batch rows, errors,
 * retries), exact and semantic cache entries, and budgets with a year of spend history. Written
 * with the project's own schema and statements (Ledger, ExactCache, SemanticStore, the governor's
 * migration), in large transactions. Deterministic: the same options give the same rows.
 *
 *   npx tsx test/scale/generate.ts <dir> [calls=1500000] [cacheEntries=150000] [semanticEntries=50000]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { deleteOrphanVectors } from '../../proxy/src/cache/semanticCache';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { openDatabase } from '../../proxy/src/db/open';
import { migrateGovernance } from '../../proxy/src/governance/migrate';
import { Ledger, type NewCallRecord } from '../../proxy/src/ledger/ledger';

export interface ScaleOptions {
  calls: number;
  cacheEntries: number;
  semanticEntries: number;
  /** The newest row's time; rows go back 365 days from here. */
  now: number;
  users?: number;
  features?: number;
}

const DAY_MS = 86_400_000;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS: ReadonlyArray<{ provider: string; endpoint: string; model: string; inUsd: number; outUsd: number; weight: number }> = [
  { provider: 'openai', endpoint: 'chat.completions', model: 'gpt-4o-mini', inUsd: 0.15e-6, outUsd: 0.6e-6, weight: 30 },
  { provider: 'openai', endpoint: 'chat.completions', model: 'gpt-4o', inUsd: 2.5e-6, outUsd: 10e-6, weight: 12 },
  { provider: 'openai', endpoint: 'responses', model: 'gpt-4.1', inUsd: 2e-6, outUsd: 8e-6, weight: 6 },
  { provider: 'openai', endpoint: 'responses', model: 'o3-mini', inUsd: 1.1e-6, outUsd: 4.4e-6, weight: 4 },
  { provider: 'openai', endpoint: 'embeddings', model: 'text-embedding-3-small', inUsd: 0.02e-6, outUsd: 0, weight: 10 },
  { provider: 'anthropic', endpoint: 'messages', model: 'claude-3-5-haiku-20241022', inUsd: 0.8e-6, outUsd: 4e-6, weight: 15 },
  { provider: 'anthropic', endpoint: 'messages', model: 'claude-sonnet-4-20250514', inUsd: 3e-6, outUsd: 15e-6, weight: 12 },
  { provider: 'anthropic', endpoint: 'messages', model: 'claude-opus-4-20250514', inUsd: 15e-6, outUsd: 75e-6, weight: 2 },
];
const TEAMS = ['platform', 'search', 'support', 'growth', 'data', 'mobile', 'web', 'ml', 'security', 'finance', 'legal', 'sales'];

function pickWeighted<T extends { weight: number }>(items: readonly T[], r: number): T {
  const total = items.reduce((s, x) => s + x.weight, 0);
  let x = r * total;
  for (const it of items) {
    x -= it.weight;
    if (x < 0) return it;
  }
  return items[items.length - 1]!;
}

/** The i-th call of `n`, spread over the year before `now` with weekday/office-hour bumps. */
function callAt(i: number, n: number, now: number, r: () => number): NewCallRecord {
  const start = now - 365 * DAY_MS;
  // Growth over the year: later months busier (the sqrt spreads more rows towards the end).
  const ts = Math.floor(start + Math.sqrt((i + r()) / n) * 365 * DAY_MS);
  const m = pickWeighted(MODELS, r());
  const userN = Math.floor(r() ** 2 * 5000);
  const feature = `feature-${Math.floor(r() ** 1.5 * 200)}`;
  const team = r() < 0.05 ? undefined : TEAMS[userN % TEAMS.length]!;
  const roll = r();
  const cache = m.endpoint === 'embeddings' ? 'miss' : roll < 0.18 ? 'exact' : roll < 0.26 ? 'semantic' : roll < 0.27 ? 'bypass' : 'miss';
  const error = cache === 'miss' && r() < 0.03;
  const batch = !error && cache === 'miss' && r() < 0.04;
  const inputTokens = Math.floor(50 + r() * 4000);
  const outputTokens = m.endpoint === 'embeddings' ? 0 : Math.floor(10 + r() * 900);
  const full = inputTokens * m.inUsd + outputTokens * m.outUsd;
  const hit = cache === 'exact' || cache === 'semantic';
  const status = error ? [429, 500, 502, 400][Math.floor(r() * 4)]! : 200;
  const rec: NewCallRecord = {
    requestId: `req_${i.toString(36)}_${Math.floor(r() * 1e9).toString(36)}`,
    ts,
    keyFingerprint: `tg_${(userN % 97).toString(16).padStart(16, '0')}`,
    tags: { ...(team ? { team } : {}), feature, ...(r() < 0.9 ? { user: `user-${userN}@example.com` } : {}) },
    provider: m.provider,
    endpoint: batch ? `batch:${m.endpoint}` : m.endpoint,
    modelRequested: m.model,
    modelUsed: m.model,
    stream: r() < 0.4,
    cache,
    inputTokens: error ? 0 : inputTokens,
    outputTokens: error ? 0 : outputTokens,
    cachedTokens: m.provider === 'anthropic' && r() < 0.3 ? Math.floor(inputTokens / 2) : 0,
    cacheWriteTokens: 0,
    tokensEstimated: false,
    costUsd: error || hit ? 0 : batch ? full / 2 : full,
    savedUsd: hit ? full : batch ? full / 2 : 0,
    priced: true,
    latencyMs: hit ? 2 + r() * 10 : 300 + r() * 4000,
    overheadMs: 0.3 + r() * 2,
    status,
    attempt: error && r() < 0.3 ? 1 : 0,
    promptPreview: `Summarise ticket #${i % 100_000} for ${feature}`,
  };
  if (cache === 'semantic') {
    rec.similarity = 0.9 + r() * 0.1;
    rec.sourceEntryId = 1 + Math.floor(r() * 1000);
  }
  if (error) rec.errorType = status === 429 ? 'rate_limit_error' : 'api_error';
  if (r() < 0.1) rec.route = 'route: cheap-first';
  if (r() < 0.2) rec.budget = 'team-monthly 42%';
  return rec;
}

export function generateDataDir(dir: string, opts: ScaleOptions): { file: string } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'tollgate.db');
  const db = openDatabase(file);
  try {
    const r = rng(42);
    const ledger = new Ledger(db);
    const CHUNK = 50_000;
    for (let i = 0; i < opts.calls; ) {
      const end = Math.min(opts.calls, i + CHUNK);
      db.transaction(() => {
        for (; i < end; i++) ledger.insert(callAt(i, opts.calls, opts.now, r));
      })();
    }

    // Entries written over the last 30 days, oldest first: the cache's own housekeeping expires
    // the 7-day ones on the way, as it would have.
    let written = 0;
    const cache = new ExactCache(db, undefined, () => opts.now - 30 * DAY_MS + Math.floor((written * 30 * DAY_MS) / Math.max(1, opts.cacheEntries)));
    const store = new SemanticStore(db);
    store.migrate();
    const dims = 384;
    const vector = new Float32Array(dims);
    for (let i = 0; i < opts.cacheEntries; ) {
      const end = Math.min(opts.cacheEntries, i + 20_000);
      db.transaction(() => {
        for (; i < end; i++) {
          const m = MODELS[i % MODELS.length]!;
          const body = { id: `chatcmpl-${i}`, object: 'chat.completion', model: m.model, choices: [{ index: 0, message: { role: 'assistant', content: `Answer ${i}: ${'lorem ipsum '.repeat(20)}` }, finish_reason: 'stop' }] };
          const put = cache.put(
            {
              key: `k${i}`,
              namespace: `ns${i % 97}`,
              endpoint: m.endpoint === 'embeddings' ? 'chat.completions' : m.endpoint,
              provider: m.provider,
              model: m.model,
              body,
              usage: { inputTokens: 100, outputTokens: 50, cachedTokens: 0, cacheWriteTokens: 0 },
              costUsd: 0.001,
              prompt: `Summarise ticket #${i}`,
              ttlSeconds: 7 * 86_400 + (i % 3) * 30 * 86_400,
            },
            Number.MAX_SAFE_INTEGER,
          );
          written++;
          if (i < opts.semanticEntries) {
            for (let d = 0; d < dims; d++) vector[d] = r() - 0.5;
            store.insert({ entryId: put.id, namespace: `ns${i % 97}`, modelId: 'scale-test', vector, text: `Summarise ticket #${i}`, expiresAt: opts.now + 30 * DAY_MS });
          }
        }
      })();
    }

    // Vectors of answers the housekeeping expired (the proxy deletes them the same way).
    deleteOrphanVectors(db, store);

    // Budgets with history: a year of daily, weekly and monthly rows for a few budgets.
    migrateGovernance(db);
    const spend = db.prepare('INSERT OR REPLACE INTO governance_spend (budget, period, period_start, spent_nano, spent_tokens) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let d = 0; d < 365; d++) {
        const start = opts.now - (365 - d) * DAY_MS;
        for (const b of ['team-daily', 'user-daily']) spend.run(b, 'day', start - (start % DAY_MS), Math.floor(r() * 5e9), Math.floor(r() * 1e6));
        if (d % 7 === 0) spend.run('org-weekly', 'week', start - (start % DAY_MS), Math.floor(r() * 3e10), Math.floor(r() * 1e7));
        if (d % 30 === 0) spend.run('org-monthly', 'month', start - (start % DAY_MS), Math.floor(r() * 1e11), Math.floor(r() * 5e7));
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return { file };
}

if (process.argv[1]?.endsWith('generate.ts')) {
  const [dir, calls, cacheEntries, semanticEntries] = process.argv.slice(2);
  if (!dir) throw new Error('usage: generate.ts <dir> [calls] [cacheEntries] [semanticEntries]');
  const t0 = performance.now();
  generateDataDir(dir, {
    calls: Number(calls ?? 1_500_000),
    cacheEntries: Number(cacheEntries ?? 150_000),
    semanticEntries: Number(semanticEntries ?? 50_000),
    now: Date.now(),
  });
  console.log(`generated ${dir} in ${Math.round(performance.now() - t0)} ms`);
}
