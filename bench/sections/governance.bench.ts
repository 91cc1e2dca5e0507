/**
 * Budget-enforcement overhead per request: admit() + settle() on a real SQLite file (WAL), as a
 * ratio to an exact-cache-style primary-key SELECT on the same kind of file, measured in this run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../proxy/src/db/open';
import { Governor } from '../../proxy/src/governance/governor';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { routeRequest } from '../../proxy/src/routing/route';
import { percentile, timeSerial, type BenchSection } from '../lib';

const N = 3000;

export default async function (): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-gov-'));
  try {
    const db = openDatabase(join(dir, 'tollgate.db'));

    // Baseline: the exact cache's lookup shape — one primary-key SELECT of a stored response.
    db.exec('CREATE TABLE bench_cache (key TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO bench_cache (key, body) VALUES (?, ?)');
    const keys: string[] = [];
    db.transaction(() => {
      for (let i = 0; i < 10_000; i++) {
        const k = randomBytes(16).toString('hex');
        keys.push(k);
        insert.run(k, randomBytes(2048));
      }
    })();
    const select = db.prepare('SELECT body FROM bench_cache WHERE key = ?');
    let i = 0;
    const baseline = await timeSerial(N, () => select.get(keys[i++ % keys.length]!));
    const empty = await timeSerial(N, () => undefined);

    const governed: PolicyInput = {
      budgets: [
        { name: 'global-month', period: 'month', usd: 1e9 },
        { name: 'team-day', scope: { team: 'search' }, period: 'day', usd: 1e9, tokens: 1e12 },
      ],
      rateLimits: [{ name: 'global', rpm: 1_000_000, tpm: 1e12 }],
      routing: { tiers: { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } } },
    };
    const cases: Array<[string, PolicyInput]> = [
      ['admit+settle, no budgets or limits', {}],
      ['admit+settle, 2 budgets + 1 RPM/TPM limit', governed],
    ];
    const rows: BenchSection['rows'] = [];
    const base50 = percentile(baseline, 50);
    const base99 = percentile(baseline, 99);
    rows.push({ name: 'baseline: cache PK SELECT (2 KiB row)', 'p50 µs': base50 * 1000, 'p99 µs': base99 * 1000, 'p50 ratio': 1, 'p99 ratio': 1 });
    rows.push({
      name: 'empty function',
      'p50 µs': percentile(empty, 50) * 1000,
      'p99 µs': percentile(empty, 99) * 1000,
      'p50 ratio': percentile(empty, 50) / base50,
      'p99 ratio': percentile(empty, 99) / base99,
    });
    for (const [name, input] of cases) {
      const policy = PolicySchema.parse(input);
      const g = new Governor(db, () => policy);
      const req = { identity: { keyFingerprint: 'tg_bench', team: 'search' }, provider: 'openai', model: 'gpt-4.1-mini', inputTokens: 800, maxOutputTokens: 512 };
      const t = await timeSerial(N, () => {
        const r = g.admit(req);
        if (r.reservationId) g.settle(r.reservationId, { costUsd: 0.0004, tokens: 1000 });
      });
      rows.push({
        name,
        'p50 µs': percentile(t, 50) * 1000,
        'p99 µs': percentile(t, 99) * 1000,
        'p50 ratio': percentile(t, 50) / base50,
        'p99 ratio': percentile(t, 99) / base99,
      });
      g.close();
    }
    const routePolicy = PolicySchema.parse(governed);
    const messages = [{ role: 'user', text: 'Write a Python function that merges overlapping intervals and explain its complexity.' }];
    const route = await timeSerial(N, () => routeRequest({ policy: routePolicy, provider: 'openai', model: 'auto', messages, headers: {}, inputTokens: 20 }));
    rows.push({
      name: 'routeRequest (auto, heuristic score)',
      'p50 µs': percentile(route, 50) * 1000,
      'p99 µs': percentile(route, 99) * 1000,
      'p50 ratio': percentile(route, 50) / base50,
      'p99 ratio': percentile(route, 99) / base99,
    });
    db.close();
    return {
      title: 'Governance: budget enforcement overhead per request',
      rows,
      notes: [
        `${N} serial iterations each after warm-up; ratio = figure / the PK SELECT baseline measured in this run.`,
        'admit+settle = two BEGIN IMMEDIATE transactions (reserve, then settle) on a WAL file with synchronous=NORMAL; the RPM/TPM window holds every call of the last 60 s.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
