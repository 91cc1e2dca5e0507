/**
 * Which model a `downgrade` budget sends a call to: the cheapest routing tier configured for the
 * provider. Models come only from the policy (no hand-written model lists); genai-prices is used to
 * check the tier model really is cheaper. Pure.
 */
import { type Policy, resolveProviders, type Tier, TIERS } from '../policy/schema';
import { pricedAs, unitPrices } from '../pricing/price';

export type DowngradeChoice =
  | { ok: true; model: string; tier: Tier; changed: boolean }
  | { ok: false; reason: string };

export function downgradeTarget(policy: Pick<Policy, 'routing' | 'providers'>, provider: string, model: string): DowngradeChoice {
  const tiers = policy.routing.tiers[provider];
  const configured = TIERS.flatMap((t) => (tiers?.[t] ? [{ tier: t, model: tiers[t] }] : []));
  const cheapest = configured[0];
  if (!cheapest) {
    return {
      ok: false,
      reason: `no routing tiers are configured for provider "${provider}" — add routing.tiers.${provider}.small to the policy so the budget can downgrade`,
    };
  }
  if (cheapest.model === model) return { ok: true, model, tier: cheapest.tier, changed: false };
  // Priced as the ledger prices the call (by the provider's base URL: "fast" at api.groq.com is Groq),
  // not by the policy's name for it, under which a Groq model had no price or another vendor's.
  const resolved = resolveProviders(policy as Policy).get(provider);
  const billing = resolved ? pricedAs(resolved) : provider;
  const current = unitPrices(model, billing);
  const target = unitPrices(cheapest.model, billing);
  // A tier model that costs more than what was asked is no downgrade: keep the requested model.
  if (current && target && target.inputPerMTok + target.outputPerMTok >= current.inputPerMTok + current.outputPerMTok) {
    return { ok: true, model, tier: cheapest.tier, changed: false };
  }
  return { ok: true, model: cheapest.model, tier: cheapest.tier, changed: true };
}
