/**
 * Which model a `downgrade` budget sends a call to: the cheapest routing tier configured for the
 * provider. Models come only from the policy (no hand-written model lists); genai-prices is used to
 * check the tier model really is cheaper. Pure.
 */
import { type Policy, resolveProviders, type Tier, TIERS } from '../policy/schema';
import { pricedAs, unitPrices } from '../pricing/price';
import { takesImages } from '../routing/vision';

export type DowngradeChoice =
  | { ok: true; model: string; tier: Tier; changed: boolean }
  | { ok: false; reason: string };

/**
 * `images`: the request carries an image (routing/vision.ts carriesImages). A tier whose model is
 * known to read none is passed over, as `model: "auto"` routing does: sent there, the call failed
 * with the provider's 400 ("image_url is only supported by certain models"), a failure the budget
 * made. With no tier left that may read images, the budget refuses the call instead.
 */
export function downgradeTarget(policy: Pick<Policy, 'routing' | 'providers'>, provider: string, model: string, images = false): DowngradeChoice {
  const tiers = policy.routing.tiers[provider];
  const configured = TIERS.flatMap((t) => (tiers?.[t] ? [{ tier: t, model: tiers[t] }] : []));
  if (configured.length === 0) {
    return {
      ok: false,
      reason: `no routing tiers are configured for provider "${provider}" — add routing.tiers.${provider}.small to the policy so the budget can downgrade`,
    };
  }
  const cheapest = images ? configured.find((c) => takesImages(c.model) !== false) : configured[0];
  if (!cheapest) {
    return {
      ok: false,
      reason: `the request carries an image and no routing tier of provider "${provider}" reads images (${configured.map((c) => `${c.tier}: ${c.model}`).join(', ')})`,
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
