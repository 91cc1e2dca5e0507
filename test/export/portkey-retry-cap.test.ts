/**
 * Portkey's hosted gateway retries "up to 5 times" (portkey.ai/docs/product/ai-gateway/automatic-retries),
 * while Tollgate takes up to 10 and the open-source build passes any count to async-retry
 * (@portkey-ai/gateway 1.15.2 build/start-server.js, retryRequest): a policy asking for more than 5
 * is told that the hosted gateway stops at 5, and one within the cap is not.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function retryWarnings(attempts: number): string[] {
  const text = `retries: { attempts: ${attempts} }\n`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'portkey', { file: 'policy.yaml', text });
  expect((JSON.parse(out.files.find((f) => f.path === 'config.json')?.content ?? '{}') as { retry?: { attempts: number } }).retry?.attempts).toBe(attempts);
  return out.warnings.filter((w) => w.field.startsWith('retries')).map((w) => w.message);
}

describe('Portkey retry attempts beyond its hosted cap', () => {
  it('more than 5 attempts: warned that the hosted gateway retries at most 5 times', () => {
    expect(retryWarnings(8).filter((m) => m.includes('at most 5'))).toHaveLength(1);
  });

  it('5 attempts or fewer: no such warning', () => {
    expect(retryWarnings(5).filter((m) => m.includes('at most 5'))).toEqual([]);
  });
});
