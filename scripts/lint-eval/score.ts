/**
 * Scoring for `npm run eval:lint`: labelled call sites (missing / present / unknown output limit)
 * against the lint's findings, precision and recall of "missing" per SDK. Pure, so it is unit-tested.
 */
export interface SiteLabel {
  repo: string;
  path: string;
  line: number;
  sdk: string;
  label: 'missing' | 'present' | 'unknown';
}

export interface Scores {
  sdk: string;
  sites: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export function parseLabels(tsv: string): SiteLabel[] {
  return tsv
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [repo, path, line, sdk, label] = l.split('\t');
      if (!repo || !path || !line || !sdk || !(label === 'missing' || label === 'present' || label === 'unknown')) throw new Error(`bad label line: ${l}`);
      return { repo, path, line: Number(line), sdk, label };
    });
}

/** `flagged` holds "repo/path:line" keys (1-based lines) where the lint reported a missing limit. */
export function score(labels: SiteLabel[], flagged: ReadonlySet<string>): Scores[] {
  const by = new Map<string, SiteLabel[]>();
  for (const l of labels) by.set(l.sdk, [...(by.get(l.sdk) ?? []), l]);
  const rows = [...by.entries()].map(([sdk, ls]) => tally(sdk, ls, flagged));
  rows.sort((a, b) => a.sdk.localeCompare(b.sdk));
  return [...rows, tally('all', labels, flagged)];
}

function tally(sdk: string, ls: SiteLabel[], flagged: ReadonlySet<string>): Scores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const l of ls) {
    const hit = flagged.has(`${l.repo}/${l.path}:${l.line}`);
    if (hit && l.label === 'missing') tp++;
    else if (hit) fp++;
    else if (l.label === 'missing') fn++;
  }
  // No positives predicted and none expected: nothing was wrong.
  return { sdk, sites: ls.length, tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}
