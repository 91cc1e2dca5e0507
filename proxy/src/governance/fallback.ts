/**
 * The ordered targets to try after a model's retries are exhausted, and the price ceiling a budget
 * downgrade puts on them. Pure.
 */
import { type Policy, type ProviderKind, type ResolvedProvider, resolveProviders } from '../policy/schema';
import { pricedAs, unitPrices } from '../pricing/price';
import { globMatch } from '../routing/glob';

export interface FallbackTarget {
  provider: string;
  model: string;
}

/**
 * Every `fallbacks` entry whose `from` glob matches the model (as `model` or `provider/model`)
 * contributes its `to` list, in policy order. A `to` entry "name/model" switches provider only when
 * `name` is a known provider — model ids may contain "/" themselves (OpenRouter's "openai/gpt-4o").
 * The failing target itself and duplicates are left out, and so, given the client's wire
 * `protocol`, are targets that speak the other one: Tollgate relays bodies untranslated, so a
 * catch-all list naming one target per protocol serves each client from its own.
 */
export function fallbackTargets(model: string, provider: string, policy: Pick<Policy, 'fallbacks' | 'providers'>, protocol?: ProviderKind): FallbackTarget[] {
  // Called on every forwarded request: most policies have no fallbacks, and resolving the
  // providers (schema parse of each entry) was ~2 % of a miss's CPU.
  if (policy.fallbacks.length === 0) return [];
  const providers = resolveProviders(policy as Policy);
  const out: FallbackTarget[] = [];
  const seen = new Set<string>([`${provider}\u0000${model}`]);
  for (const fb of policy.fallbacks) {
    if (!globMatch(fb.from, model) && !globMatch(fb.from, `${provider}/${model}`)) continue;
    for (const entry of fb.to) {
      const slash = entry.indexOf('/');
      const prefix = slash > 0 ? entry.slice(0, slash) : '';
      const target = prefix && providers.has(prefix) ? { provider: prefix, model: entry.slice(slash + 1) } : { provider, model: entry };
      const key = `${target.provider}\u0000${target.model}`;
      if (seen.has(key) || (protocol !== undefined && providers.get(target.provider)?.kind !== protocol)) continue;
      seen.add(key);
      out.push(target);
    }
  }
  return out;
}

/**
 * Price per million input + output tokens, the measure downgradeTarget compares tiers by, under the
 * provider the ledger bills the target's calls to (its base URL's, not its name's).
 */
function unitCost(target: FallbackTarget, providers: ReadonlyMap<string, ResolvedProvider>): number | undefined {
  const provider = providers.get(target.provider);
  const p = unitPrices(target.model, provider ? pricedAs(provider) : target.provider);
  return p ? p.inputPerMTok + p.outputPerMTok : undefined;
}

/**
 * After a budget downgraded a call to `ceiling`, the fallback chain must stay at or below that
 * price: a target that costs more (input + output per million tokens, as downgradeTarget compares
 * tiers) would undo the downgrade. A target without a price is not known to be cheaper, so it is
 * skipped too; with an unpriced ceiling nothing can be compared and every target is skipped.
 */
export function fallbacksWithinPrice(
  targets: FallbackTarget[],
  ceiling: FallbackTarget,
  policy: Pick<Policy, 'providers'>,
): { kept: FallbackTarget[]; skipped: FallbackTarget[] } {
  const providers = resolveProviders(policy as Policy);
  const limit = unitCost(ceiling, providers);
  const kept: FallbackTarget[] = [];
  const skipped: FallbackTarget[] = [];
  for (const t of targets) {
    const cost = unitCost(t, providers);
    (limit !== undefined && cost !== undefined && cost <= limit ? kept : skipped).push(t);
  }
  return { kept, skipped };
}
