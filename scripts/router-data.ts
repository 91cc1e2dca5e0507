/**
 * Labelled prompts for training and evaluating the learned router, by source, with a deterministic
 * split (a hash of source + prompt): 20 % held out for evaluation, 15 % for calibration and
 * threshold choice, 65 % for fitting. Shared by train-router.ts and eval-router.ts so both see the
 * same split. Every source but the project's own labels is optional: a missing file is skipped with
 * a note, so the scripts run (on less data) without it.
 *
 * Sources (their licences allow training and shipping derived weights; none is an evaluation source):
 *  - router-train.tsv in ../shared/data (when present): GSM8K and MMLU (MIT) tiers from measured
 *    outcomes in lm-sys/RouteLLM (Apache-2.0), MMLU-Redux filter (CC BY 4.0), MATH-500 levels (MIT);
 *  - test/data/router-labels.tsv: the project's own hand labels;
 *  - test/data/router-labels-chat.tsv: the project's hand labels of chat-style asks (what apps send:
 *    support, coding help, extraction, agent turns, writing, analysis; many short-but-hard and
 *    long-but-easy), labelled by the rubric in test/routing/unseen/README.md before the router saw
 *    them. The benchmark sources teach "hard for Mixtral", not "needs a bigger model for this chat":
 *    without these, greetings and one-fact asks went to medium and short deep questions to medium;
 *  - HumanEval (openai/human-eval, MIT, commit 6d43fb980f9fee3c892a914eda09951f772ad10d):
 *    data/HumanEval.jsonl.gz unpacked to .cache/router/humaneval.jsonl — code tasks, labelled by the
 *    size of the reference solution (≤ 3 lines small, ≤ 14 medium, else large): a proxy, not an outcome;
 *  - CLINC150 (clinc/oos-eval, CC BY 3.0, commit 828f8093932c8fe6ca7936c3d2e52903b1c523de):
 *    data/data_small.json copied to .cache/router/clinc-small.json — FAQ-style assistant queries
 *    (in-scope intents), labelled small. Its `test` split is only ever evaluation (the FAQ set).
 * test/routing/router-holdout.tsv (the project's held-out hand labels) is evaluation only.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tier } from '../proxy/src/policy/schema';
import { parseLabels } from './lib/router/evaluate';

export type Split = 'train' | 'select' | 'test';

export interface RouterRow {
  prompt: string;
  tier: Tier;
  source: string;
  split: Split;
}

export interface SourceInfo {
  name: string;
  licence: string;
  origin: string;
}

export const SOURCE_INFO: Record<string, SourceInfo> = {
  gsm8k: { name: 'gsm8k', licence: 'MIT (GSM8K); outcomes Apache-2.0', origin: 'lm-sys/RouteLLM routellm/evals via router-train.tsv' },
  mmlu: { name: 'mmlu', licence: 'MIT (MMLU); outcomes Apache-2.0; MMLU-Redux filter CC BY 4.0', origin: 'lm-sys/RouteLLM routellm/evals, aryopg/mmlu-redux via router-train.tsv' },
  math: { name: 'math', licence: 'MIT', origin: 'MATH-500 (jincan333/MAS-TTS) by level via router-train.tsv' },
  project: { name: 'project', licence: 'MIT (this project)', origin: 'test/data/router-labels.tsv' },
  chat: { name: 'chat', licence: 'MIT (this project)', origin: 'test/data/router-labels-chat.tsv' },
  humaneval: { name: 'humaneval', licence: 'MIT', origin: 'openai/human-eval@6d43fb980f9fee3c892a914eda09951f772ad10d data/HumanEval.jsonl.gz' },
  'clinc-faq': { name: 'clinc-faq', licence: 'CC BY 3.0 (Larson et al. 2019, CLINC150)', origin: 'clinc/oos-eval@828f8093932c8fe6ca7936c3d2e52903b1c523de data/data_small.json' },
};

function bucket(source: string, prompt: string): number {
  return createHash('sha256').update(`${source}\u0000${prompt}`).digest().readUInt32BE(0) % 100;
}

export function splitOf(source: string, prompt: string): Split {
  const b = bucket(source, prompt);
  return b < 20 ? 'test' : b < 35 ? 'select' : 'train';
}

function sourceOfReason(reason: string): string {
  const head = reason.split(/[\s:]/)[0]?.toLowerCase() ?? '';
  return head === 'gsm8k' ? 'gsm8k' : head === 'math' ? 'math' : head === 'mmlu' ? 'mmlu' : 'other';
}

export interface LoadedData {
  rows: RouterRow[];
  /** Evaluation-only sets: FAQ-style (CLINC test split) and the project's held-out labels. */
  evalOnly: Record<string, RouterRow[]>;
  notes: string[];
}

/** Everything available under the repository root `root` (shared data at `<root>/../shared/data`). */
export function loadRouterData(root: string, opts: { sharedDir?: string; clincTrain?: number; clincTest?: number; mmluPercent?: number } = {}): LoadedData {
  const rows: RouterRow[] = [];
  const notes: string[] = [];
  const push = (prompt: string, tier: Tier, source: string) => rows.push({ prompt, tier, source, split: splitOf(source, prompt) });

  const shared = join(opts.sharedDir ?? process.env.TOLLGATE_SHARED_DATA ?? join(root, '..', 'shared', 'data'), 'router-train.tsv');
  if (existsSync(shared)) {
    for (const l of parseLabels(readFileSync(shared, 'utf8'))) {
      const source = sourceOfReason(l.reason);
      const prompt = l.prompt.replace(/\\t/g, '\t');
      // MMLU is 4,902 rows of one kind of prompt: a fixed 25 % sample keeps the embedding cost moderate.
      if (source === 'mmlu' && bucket('mmlu-sample', prompt) >= (opts.mmluPercent ?? 25)) continue;
      push(prompt, l.tier, source);
    }
  } else notes.push('router-train.tsv not found (../shared/data): trained without GSM8K/MMLU/MATH outcomes');

  for (const l of parseLabels(readFileSync(join(root, 'test', 'data', 'router-labels.tsv'), 'utf8'))) push(l.prompt, l.tier, 'project');
  for (const l of parseLabels(readFileSync(join(root, 'test', 'data', 'router-labels-chat.tsv'), 'utf8'))) push(l.prompt, l.tier, 'chat');

  const humaneval = join(root, '.cache', 'router', 'humaneval.jsonl');
  if (existsSync(humaneval)) {
    for (const line of readFileSync(humaneval, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const p = JSON.parse(line) as { prompt: string; canonical_solution: string };
      const lines = p.canonical_solution.split('\n').filter((l) => l.trim() !== '').length;
      const tier: Tier = lines <= 3 ? 'small' : lines <= 14 ? 'medium' : 'large';
      push(`Complete this Python function:\n\n${p.prompt}`, tier, 'humaneval');
    }
  } else notes.push('.cache/router/humaneval.jsonl not found: no code tasks');

  const evalOnly: Record<string, RouterRow[]> = {};
  const clinc = join(root, '.cache', 'router', 'clinc-small.json');
  if (existsSync(clinc)) {
    const data = JSON.parse(readFileSync(clinc, 'utf8')) as Record<string, Array<[string, string]>>;
    // A deterministic sample (by hash) keeps FAQ queries from swamping the other sources.
    const sample = (items: Array<[string, string]>, n: number) =>
      [...items].sort((a, b) => bucket('clinc', a[0]) - bucket('clinc', b[0]) || (a[0] < b[0] ? -1 : 1)).slice(0, n);
    for (const [q] of sample(data.train ?? [], opts.clincTrain ?? 600)) {
      const split = splitOf('clinc-faq', q);
      rows.push({ prompt: q, tier: 'small', source: 'clinc-faq', split: split === 'test' ? 'train' : split });
    }
    evalOnly['faq (clinc test)'] = sample(data.test ?? [], opts.clincTest ?? 300).map(([q]) => ({ prompt: q, tier: 'small', source: 'clinc-faq', split: 'test' }));
  } else notes.push('.cache/router/clinc-small.json not found: no FAQ-style queries');

  const holdout = join(root, 'test', 'routing', 'router-holdout.tsv');
  if (existsSync(holdout)) {
    const labels = parseLabels(readFileSync(holdout, 'utf8'));
    evalOnly['project holdout'] = labels.map((l) => ({ prompt: l.prompt, tier: l.tier, source: 'project-holdout', split: 'test' }));
    evalOnly['hard (holdout medium+large)'] = evalOnly['project holdout'].filter((r) => r.tier !== 'small');
  }
  return { rows, evalOnly, notes };
}

/** Sources labelled by hand for this project, by the rubric of test/routing/unseen/README.md. */
export const HAND_LABELLED = ['project', 'chat'];
/** Sources the cheap variant is not fitted on (see train-router.ts). */
export const EMBEDDING_ONLY_SOURCES = ['chat'];

/** Sources counted as outcome-labelled (the targets are stated on these). */
export const OUTCOME_SOURCES = ['gsm8k', 'mmlu', 'math'];
