/** Ordering of severities, for `--max-severity` thresholds. */
import type { Severity } from '../types';

const RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return RANK[s] >= RANK[threshold];
}

export function isSeverity(s: string): s is Severity {
  return s in RANK;
}
