/**
 * Bifrost refuses a provider whose retry backoff is outside 100 ms – 1,000,000 ms or whose initial
 * backoff exceeds its maximum (transports/bifrost-http validateRetryBackoff). A Tollgate policy may
 * say backoffMs > maxBackoffMs (every wait is then capped at maxBackoffMs): the export must write a
 * config Bifrost loads, with the same waits, and say what it changed.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

interface NetworkConfig {
  retry_backoff_initial: number;
  retry_backoff_max: number;
}

function bifrost(retries: string): { networks: NetworkConfig[]; warnings: Array<{ field: string; message: string }> } {
  const text = `retries: ${retries}\n`;
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const r = exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text });
  const config = JSON.parse(r.files.find((f) => f.path === 'config.json')!.content) as { providers: Record<string, { network_config: NetworkConfig }> };
  return { networks: Object.values(config.providers).map((p) => p.network_config), warnings: r.warnings };
}

/** What Bifrost's own validation accepts. */
function bifrostAccepts(n: NetworkConfig): boolean {
  const inRange = (ms: number) => ms >= 100 && ms <= 1_000_000;
  return inRange(n.retry_backoff_initial) && inRange(n.retry_backoff_max) && n.retry_backoff_initial <= n.retry_backoff_max;
}

describe('Bifrost retry backoff', () => {
  it('an initial backoff above the maximum is written as the maximum, with a warning', () => {
    const { networks, warnings } = bifrost('{ attempts: 2, backoffMs: 5000, maxBackoffMs: 2000 }');
    expect(networks.length).toBeGreaterThan(0);
    for (const n of networks) {
      expect(bifrostAccepts(n)).toBe(true);
      // Tollgate's first wait is at most min(maxBackoffMs, backoffMs) = 2000 ms.
      expect(n).toEqual({ ...n, retry_backoff_initial: 2000, retry_backoff_max: 2000 });
    }
    expect(warnings.find((w) => w.field === 'retries.backoffMs')?.message).toMatch(/5000 ms is above maxBackoffMs 2000 ms/);
  });

  it.each([
    ['{ backoffMs: 10, maxBackoffMs: 50 }', 100, 100],
    ['{ backoffMs: 250, maxBackoffMs: 5000000 }', 250, 1_000_000],
    ['{ backoffMs: 2000000, maxBackoffMs: 3000000 }', 1_000_000, 1_000_000],
  ])('%s is clamped to what Bifrost accepts and warned', (retries, initial, max) => {
    const { networks, warnings } = bifrost(retries);
    for (const n of networks) {
      expect(bifrostAccepts(n)).toBe(true);
      expect([n.retry_backoff_initial, n.retry_backoff_max]).toEqual([initial, max]);
    }
    expect(warnings.some((w) => w.field === 'retries.backoffMs' || w.field === 'retries.maxBackoffMs')).toBe(true);
  });

  it('a policy inside the range is exported unchanged and unwarned', () => {
    const { networks, warnings } = bifrost('{ backoffMs: 300, maxBackoffMs: 9000 }');
    for (const n of networks) expect([n.retry_backoff_initial, n.retry_backoff_max]).toEqual([300, 9000]);
    expect(warnings.filter((w) => w.field.startsWith('retries.') && /backoff/i.test(w.field))).toEqual([]);
  });
});
