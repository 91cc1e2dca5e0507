/**
 * Competition between cached entries: the judge scores one (query, entry) pair at a time, but a
 * lookup sees several stored prompts at once, and stored prompts are distinct requests (each was
 * stored because it did not match what was cached before it). A query can mean the same as at most
 * one of several distinct requests, so the candidates' P(same) are not independent chances: they
 * compete for one truth.
 *
 * Principle (no fitted parameter): treat each candidate's P(same) as independent evidence and
 * condition on "the query matches at most one distinct request". With odds o = P / (1 − P),
 *
 *   P(best is the match | at most one matches) = o_best / (1 + o_best + Σ_rivals o_rival)
 *
 * which equals the judge's P when there is no rival, and falls when another stored request is
 * nearly as plausible (a Lowe-style ratio test in odds form). A rival that is itself a duplicate of
 * the best candidate does not compete (serving either answers the query). Whether it is one is
 * uncertain too: the same judge gives P(rival same as best) from the two stored prompts, and the
 * result is the expectation over every way the rivals can be duplicates or distinct (each
 * independently; at most 2^4 cases for the 5 candidates a lookup judges).
 *
 * Pure.
 */

export interface Rival {
  /** The judge's P(query same as this rival). */
  probability: number;
  /** The judge's P(this rival same as the best candidate): how much it is a duplicate rather than a rival. */
  sameAsBest: number;
}

/** Largest odds taken from a probability (P = 1 would make the odds infinite). */
const MAX_ODDS = 1e6;

export function odds(p: number): number {
  if (!(p > 0)) return 0;
  if (p >= 1) return MAX_ODDS;
  return Math.min(MAX_ODDS, p / (1 - p));
}

/** Rivals beyond this many are merged into an expected odds mass (the enumeration doubles per rival). */
const MAX_ENUMERATED = 8;

/** P(same) of the best candidate once the rivals' competing odds are counted. */
export function exclusiveProbability(best: number, rivals: readonly Rival[]): number {
  const ob = odds(best);
  if (ob === 0) return 0;
  const competing = rivals.filter((r) => r.probability > 0 && r.sameAsBest < 1);
  const exact = competing.slice(0, MAX_ENUMERATED);
  // Past the enumerated ones, a rival counts by its expected odds (odds × P(distinct)).
  let extra = 0;
  for (const r of competing.slice(MAX_ENUMERATED)) extra += (1 - Math.max(0, r.sameAsBest)) * odds(r.probability);
  let p = 0;
  for (let mask = 0; mask < 1 << exact.length; mask++) {
    // Bit set: that rival is a distinct request (competes); clear: a duplicate of the best.
    let weight = 1;
    let mass = extra;
    exact.forEach((r, i) => {
      const distinct = 1 - Math.min(1, Math.max(0, r.sameAsBest));
      if (mask & (1 << i)) {
        weight *= distinct;
        mass += odds(r.probability);
      } else weight *= 1 - distinct;
    });
    if (weight > 0) p += weight * (ob / (1 + ob + mass));
  }
  return p;
}
