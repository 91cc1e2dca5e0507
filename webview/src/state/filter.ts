/**
 * The call filters the proxy applies server-side, mirrored here only to decide whether a call that
 * arrives live (SSE) belongs in the table currently shown. Pure.
 */
import { foldTag as fold, UNTAGGED } from '@contract/api';
import type { CallFilter, CallRecord } from '../protocol';

function tagMatches(value: string | undefined, wanted: string | undefined): boolean {
  if (!wanted) return true;
  return wanted === UNTAGGED ? value === undefined : value !== undefined && fold(value) === fold(wanted);
}

export function matchesFilter(call: CallRecord, f: CallFilter): boolean {
  if (!tagMatches(call.tags?.team, f.team)) return false;
  if (!tagMatches(call.tags?.feature, f.feature)) return false;
  if (!tagMatches(call.tags?.user, f.user)) return false;
  // The proxy filters on the model that answered (model_used).
  if (f.model && call.modelUsed !== f.model) return false;
  if (f.cache && call.cache !== f.cache) return false;
  if (f.status === 'ok' && call.status >= 400) return false;
  if (f.status === 'error' && call.status < 400) return false;
  return true;
}

/** Drop empty strings so an untouched field means "any". */
export function normaliseFilter(f: CallFilter): CallFilter {
  const out: CallFilter = {};
  for (const [k, v] of Object.entries(f) as Array<[keyof CallFilter, string | undefined]>) {
    const t = v?.trim();
    if (t) (out as Record<string, string>)[k] = t;
  }
  return out;
}

export function isFilterEmpty(f: CallFilter): boolean {
  return Object.keys(normaliseFilter(f)).length === 0;
}

/** Whether two filters select the same calls (blank fields are "any"). Pure. */
export function sameFilter(a: CallFilter, b: CallFilter): boolean {
  const x = normaliseFilter(a) as Record<string, string>;
  const y = normaliseFilter(b) as Record<string, string>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of keys) if (x[k] !== y[k]) return false;
  return true;
}
