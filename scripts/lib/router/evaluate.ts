/**
 * Router evaluation on a labelled prompt file (TSV: prompt, tier, reason): tier accuracy, confusion
 * matrix, share per tier and cost against always using the large tier. Pure: token counting and
 * pricing are passed in.
 */
import { TIERS, type Tier } from '../../../proxy/src/policy/schema';
import { scoreComplexity, tierFor } from '../../../proxy/src/routing/complexity';

export interface LabelledPrompt {
  prompt: string;
  tier: Tier;
  reason: string;
}

/** Parses the TSV; a literal `\n` in a prompt stands for a line break (TSV rows are one line). */
export function parseLabels(tsv: string): LabelledPrompt[] {
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`labels file has no "${name}" column`);
    return i;
  };
  const [p, t, r] = [col('prompt'), col('tier'), col('reason')];
  return lines.map((line, n) => {
    const cells = line.split('\t');
    const tier = cells[t] as Tier;
    if (!TIERS.includes(tier)) throw new Error(`line ${n + 2}: tier "${cells[t]}" is not one of ${TIERS.join(', ')}`);
    return { prompt: (cells[p] ?? '').replace(/\\n/g, '\n'), tier, reason: cells[r] ?? '' };
  });
}

export interface EvalOptions {
  thresholds: { medium: number; large: number };
  /** Input tokens of a prompt (the project's tokenizer). */
  countTokens: (text: string) => number;
  /** $ of one call of a tier with the given tokens. */
  price: (tier: Tier, inputTokens: number, outputTokens: number) => number;
  /** Output tokens assumed per call (the file has no answers). */
  outputTokens: number;
  /** Another router to evaluate (e.g. the learned model) instead of the complexity score and thresholds. */
  predict?: (index: number, prompt: string) => { tier: Tier; score: number };
}

export interface EvalReport {
  n: number;
  accuracy: number;
  /** confusion[label][predicted] = count */
  confusion: Record<Tier, Record<Tier, number>>;
  share: Record<Tier, number>;
  /** Share of prompts routed below their label (the quality risk) and above it (wasted $). */
  underRouted: number;
  overRouted: number;
  routedUsd: number;
  alwaysLargeUsd: number;
  /** Cost with a perfect router (each prompt at its labelled tier), for reference. */
  oracleUsd: number;
  misses: Array<{ prompt: string; label: Tier; predicted: Tier; score: number }>;
}

export function evaluateRouter(labels: LabelledPrompt[], opts: EvalOptions): EvalReport {
  const zero = (): Record<Tier, number> => ({ small: 0, medium: 0, large: 0 });
  const confusion: Record<Tier, Record<Tier, number>> = { small: zero(), medium: zero(), large: zero() };
  const share = zero();
  const rank = (t: Tier): number => TIERS.indexOf(t);
  let correct = 0;
  let under = 0;
  let over = 0;
  let routedUsd = 0;
  let alwaysLargeUsd = 0;
  let oracleUsd = 0;
  const misses: EvalReport['misses'] = [];
  for (const [i, l] of labels.entries()) {
    let score: number;
    let predicted: Tier;
    if (opts.predict) ({ tier: predicted, score } = opts.predict(i, l.prompt));
    else {
      score = scoreComplexity({ messages: [{ role: 'user', text: l.prompt }] }).score;
      predicted = tierFor(score, opts.thresholds);
    }
    confusion[l.tier][predicted]++;
    share[predicted]++;
    if (predicted === l.tier) correct++;
    else misses.push({ prompt: l.prompt, label: l.tier, predicted, score });
    if (rank(predicted) < rank(l.tier)) under++;
    if (rank(predicted) > rank(l.tier)) over++;
    const tokens = opts.countTokens(l.prompt);
    routedUsd += opts.price(predicted, tokens, opts.outputTokens);
    alwaysLargeUsd += opts.price('large', tokens, opts.outputTokens);
    oracleUsd += opts.price(l.tier, tokens, opts.outputTokens);
  }
  const n = labels.length;
  for (const t of TIERS) share[t] = n ? share[t] / n : 0;
  return {
    n,
    accuracy: n ? correct / n : 0,
    confusion,
    share,
    underRouted: n ? under / n : 0,
    overRouted: n ? over / n : 0,
    routedUsd,
    alwaysLargeUsd,
    oracleUsd,
    misses,
  };
}
