/**
 * The word a user most likely meant: a policy key or value in another case or separator style, its
 * singular or plural, a synonym people use for it, or a small typo. Used for "did you mean" in
 * policy problems (hints.ts) and for names the schema checks against each other (schema.ts).
 */

/** Optimal string alignment distance (a swap of two neighbours counts one). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/** Case, `_`, `-` and spaces do not tell keys apart for a reader: warn_at, warn-at, WarnAt. */
const norm = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');
const singular = (s: string): string => (s.length > 3 && s.endsWith('s') ? s.slice(0, -1) : s);

/** Words people use for a policy key, by the key they mean (normalized). */
const SYNONYMS: Record<string, readonly string[]> = {
  usd: ['limit', 'amount', 'cap', 'max', 'dollars', 'dollar', 'cost', 'spend', 'budget', 'price', 'maxspend', 'maxcost'],
  warnAt: ['warn', 'warning', 'alert', 'alertat', 'notifyat', 'threshold', 'warnthreshold', 'warnpercent', 'warnpct'],
  period: ['interval', 'window', 'per', 'every', 'reset', 'resets', 'timeframe', 'duration', 'cycle'],
  action: ['onexceed', 'onexceeded', 'onlimit', 'mode', 'behavior', 'behaviour', 'whenexceeded', 'onbreach'],
  rateLimits: ['ratelimiting', 'limits', 'throttle', 'throttling'],
  providers: ['upstreams', 'upstream', 'backends', 'endpoints'],
  baseUrl: ['url', 'endpoint', 'apibase', 'host', 'baseurl', 'apiurl'],
  apiKeyEnv: ['apikey', 'key', 'keyenv', 'apikeyvar', 'envkey', 'apikeyenvvar', 'tokenenv'],
  fallbacks: ['fallback', 'failover'],
  routing: ['route', 'routes', 'modelrouting'],
  retries: ['retry', 'retrypolicy'],
  cache: ['caching'],
  ttlSeconds: ['ttl', 'expiry', 'expires', 'maxage'],
  large: ['big', 'high', 'xl', 'strong', 'best'],
  small: ['tiny', 'low', 'mini', 'cheap', 'fast'],
  medium: ['mid', 'middle', 'normal', 'default'],
};

/**
 * The candidate the user most likely meant by `given`, if one is close: the same word in another
 * case or separator style, singular/plural, a known synonym, a candidate inside the word
 * ("limitUSD" → "usd"), or a small typo.
 */
export function nearest(given: string, candidates: readonly string[]): string | undefined {
  const g = norm(given);
  if (g === '') return undefined;
  const same = candidates.find((c) => norm(c) === g) ?? candidates.find((c) => singular(norm(c)) === singular(g));
  if (same) return same;
  // Own keys only: candidates include provider names, and `constructor` would find Object's function.
  const synonym = candidates.find((c) => Object.hasOwn(SYNONYMS, c) && SYNONYMS[c]!.includes(g));
  if (synonym) return synonym;
  const inside = candidates
    .filter((c) => singular(norm(c)).length >= 3 && g.includes(singular(norm(c))))
    .sort((a, b) => b.length - a.length)[0];
  if (inside) return inside;
  return closest(given, candidates);
}

/** The candidate equal to `given` but for case and separators, else the one a small typo away (no tie). */
export function closest(given: string, candidates: readonly string[]): string | undefined {
  const g = norm(given);
  const same = candidates.find((c) => norm(c) === g);
  if (same) return same;
  const allowed = g.length <= 4 ? 1 : g.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  let tie = false;
  for (const c of candidates) {
    const n = norm(c);
    // The distance is at least the difference in length: skip the table for far-off words.
    if (Math.abs(n.length - g.length) > allowed) continue;
    const d = distance(g, n);
    if (d < bestDistance) [best, bestDistance, tie] = [c, d, false];
    else if (d === bestDistance) tie = true;
  }
  return best !== undefined && !tie ? best : undefined;
}
