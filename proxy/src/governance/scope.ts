/**
 * Who a call is (identity + tags) and which budgets / rate limits apply to it. Pure.
 */
import type { Policy, Scope } from '../policy/schema';
import { foldTag } from '../ledger/tagFold';
import { globMatch } from '../routing/glob';

export interface CallIdentity {
  /** Salted key fingerprint (tg_…), never the key. */
  keyFingerprint: string;
  team?: string;
  user?: string;
  feature?: string;
}

/**
 * Tags for a call: those implied by the key in `policy.tags.keys` win over the ones a client sends
 * in headers, because a key mapped to a team must not be able to spend another team's budget by
 * sending a different `x-tollgate-team`. Header tags fill in what the key mapping leaves open.
 */
export function resolveTags(
  keyFingerprint: string,
  headerTags: { team?: string; user?: string; feature?: string },
  policy: Pick<Policy, 'tags'>,
): CallIdentity {
  const mapped = policy.tags.keys.find((k) => k.fingerprint === keyFingerprint);
  const pick = (field: 'team' | 'user' | 'feature'): string | undefined => mapped?.[field] ?? nonEmpty(headerTags[field]);
  const out: CallIdentity = { keyFingerprint };
  const team = pick('team');
  const user = pick('user');
  const feature = pick('feature');
  if (team !== undefined) out.team = team;
  if (user !== undefined) out.user = user;
  if (feature !== undefined) out.feature = feature;
  return out;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/**
 * Every field the scope names must match (globs allowed); an empty scope matches everyone (global).
 * A call without the tag never matches a scope that names it. Team, user and feature match whatever
 * their case: a client sending `x-tollgate-team: Search` slipped past a budget for `search` (the
 * ledger keeps the tag as sent). Key fingerprints are Tollgate's own lower-case ids, matched exactly.
 */
export function scopeMatches(scope: Scope, id: CallIdentity): boolean {
  const check = (pattern: string | undefined, value: string | undefined, fold = true): boolean =>
    pattern === undefined || (value !== undefined && (fold ? globMatch(foldTag(pattern), foldTag(value)) : globMatch(pattern, value)));
  return (
    check(scope.team, id.team) && check(scope.user, id.user) && check(scope.feature, id.feature) && check(scope.key, id.keyFingerprint, false)
  );
}

export function describeScope(scope: Scope): string {
  const parts = (['team', 'user', 'feature', 'key'] as const).filter((k) => scope[k] !== undefined).map((k) => `${k}=${scope[k]}`);
  return parts.length ? parts.join(',') : 'global';
}
