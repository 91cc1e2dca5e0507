/**
 * A downgrade must not take a call around `unpriced: block`: a budget that refuses models it cannot
 * price refuses them also when the downgrade's cheapest tier is one (a local or custom model), since
 * such a call reserves and settles $0 and the budget could no longer hold anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { priceCall } from '../../proxy/src/pricing/price';
import { policy, tempDb, worstCase, type TempDb } from './helpers';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const LOCAL = 'acme-local-llama-8b';
const call = { identity: { keyFingerprint: 'tg_k', team: 'search' }, provider: 'openai', model: 'gpt-4.1', inputTokens: 1000, maxOutputTokens: 1000 };
const PER = worstCase('gpt-4.1', 1000, 1000);

function spentGovernor(budgets: PolicyInput['budgets']) {
  t = tempDb();
  const p = policy({ budgets, routing: { tiers: { openai: { small: LOCAL, large: 'gpt-4.1' } } } });
  const g = new Governor(t.open(), () => p);
  // One call at its worst case spends the budget.
  g.settle(g.admit(call).reservationId!, { costUsd: PER, tokens: 2000 });
  return g;
}

describe('downgrade to a tier model that has no price', () => {
  it('the tier model really has no price (else this test proves nothing)', () => {
    expect(priceCall(LOCAL, { inputTokens: 1000, outputTokens: 1000 }, 'openai').priced).toBe(false);
  });

  it('is refused while a matching budget says unpriced: block', () => {
    const g = spentGovernor([{ name: 'search-daily', scope: { team: 'search' }, period: 'day', usd: PER / 2, action: 'downgrade', unpriced: 'block' }]);
    const r = g.admit(call);
    expect(r.decision).toBe('block');
    expect(r.reservationId).toBeUndefined();
    expect(r.message).toContain(LOCAL);
    expect(r.message).toContain('unpriced: block');
    expect(g.status()[0]!.reservedUsd).toBe(0);
  });

  it('is refused when another matching budget (not the downgrading one) refuses unpriced models', () => {
    const g = spentGovernor([
      { name: 'search-daily', scope: { team: 'search' }, period: 'day', usd: PER / 2, action: 'downgrade' },
      { name: 'all-monthly', period: 'month', usd: PER * 100, unpriced: 'block' },
    ]);
    const r = g.admit(call);
    expect(r.decision).toBe('block');
    expect(r.budget).toBe('all-monthly');
  });

  it('goes ahead (a free local model) when no budget refuses unpriced models', () => {
    const g = spentGovernor([{ name: 'search-daily', scope: { team: 'search' }, period: 'day', usd: PER / 2, action: 'downgrade' }]);
    const r = g.admit(call);
    expect(r.decision).toBe('downgrade');
    expect(r.downgrade?.to).toBe(LOCAL);
  });
});

describe('downgrade of a request that carries an image', () => {
  const withImage = { ...call, images: true };
  function spent(tiers: Record<string, string>) {
    t = tempDb();
    const p = policy({ budgets: [{ name: 'search-daily', scope: { team: 'search' }, period: 'day', usd: PER / 2, action: 'downgrade' }], routing: { tiers: { openai: tiers } } });
    const g = new Governor(t.open(), () => p);
    g.settle(g.admit(call).reservationId!, { costUsd: PER, tokens: 2000 });
    return g;
  }

  it('passes over a tier whose model reads no images (o3-mini) for the next one that does', () => {
    const g = spent({ small: 'o3-mini', medium: 'gpt-4.1-mini', large: 'gpt-4.1' });
    // Without an image, the cheapest tier as before.
    expect(g.admit(call).downgrade?.to).toBe('o3-mini');
    const r = g.admit(withImage);
    expect(r.decision).toBe('downgrade');
    expect(r.downgrade?.to).toBe('gpt-4.1-mini');
  });

  it('keeps the requested model when it is the cheapest tier that reads images, as for any cheapest tier', () => {
    const g = spent({ small: 'o3-mini', large: 'gpt-4.1' });
    expect(g.admit(withImage)).toMatchObject({ decision: 'downgrade', downgrade: { from: 'gpt-4.1', to: 'gpt-4.1' } });
  });

  it('is refused, saying why, when no tier reads images', () => {
    const g = spent({ small: 'o3-mini', medium: 'gpt-3.5-turbo' });
    const r = g.admit(withImage);
    expect(r.decision).toBe('block');
    expect(r.reservationId).toBeUndefined();
    expect(r.message).toContain('carries an image');
    expect(r.message).toContain('o3-mini');
  });
});
