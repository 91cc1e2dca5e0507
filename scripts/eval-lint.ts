/**
 * `npm run eval:lint -- <dir> [--labels test/data/lint-labels/output-limit.tsv] [--content-labels test/data/lint-labels/content-rules.tsv]`
 *
 * Runs the analysis over every file under <dir> and prints findings per rule. With labels (call
 * sites of public repositories, listed with their commits in test/data/lint-labels/sources.tsv),
 * also prints precision and recall of the missing-output-limit rules per SDK. <dir> holds the
 * sources as `<owner>+<repo>/<path>`; they are downloaded separately, never kept in this repository.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeFile } from '../proxy/src/analysis';
import { parseLabels, score } from './lint-eval/score';

const LIMIT_RULES = new Set(['missing-output-limit', 'anthropic-missing-max-tokens']);
const SKIP = new Set(['node_modules', '.git']);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    if (SKIP.has(f)) return [];
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--labels' && args[i - 1] !== '--content-labels');
  if (!dir) {
    console.error('usage: npm run eval:lint -- <dir> [--labels <file.tsv>]');
    process.exit(2);
  }
  const labelsAt = args.indexOf('--labels');
  const contentAt = args.indexOf('--content-labels');
  const reported = new Set<string>();
  const perRule = new Map<string, number>();
  const flagged = new Set<string>();
  let files = 0;
  for (const file of walk(dir)) {
    const r = await analyzeFile({ path: file, text: readFileSync(file, 'utf8') });
    if (r.kind === 'unknown') continue;
    files++;
    for (const d of r.diagnostics) {
      perRule.set(d.ruleId, (perRule.get(d.ruleId) ?? 0) + 1);
      reported.add(`${relative(dir, file).replace('+', '/')}:${d.range.start.line + 1}:${d.ruleId}`);
      if (LIMIT_RULES.has(d.ruleId)) flagged.add(`${relative(dir, file).replace('+', '/')}:${d.range.start.line + 1}`);
    }
  }
  console.log(`${files} files analysed`);
  console.log('findings per rule:');
  for (const [rule, n] of [...perRule].sort()) console.log(`  ${rule.padEnd(30)} ${n}`);
  if (contentAt >= 0) {
    // Labelled findings (tp / fp) of the content rules; precision per rule over those still reported.
    const rows = readFileSync(args[contentAt + 1]!, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const tally = new Map<string, { tp: number; fp: number; gone: number }>();
    for (const row of rows) {
      const [repo, path, line, rule, label] = row.split('\t');
      const t = tally.get(rule!) ?? { tp: 0, fp: 0, gone: 0 };
      if (!reported.has(`${repo}/${path}:${line}:${rule}`)) t.gone++;
      else if (label === 'tp') t.tp++;
      else t.fp++;
      tally.set(rule!, t);
    }
    console.log(`\n${rows.length} labelled content-rule findings — precision by rule:`);
    for (const [rule, t] of [...tally].sort()) console.log(`  ${rule.padEnd(30)} tp ${t.tp}  fp ${t.fp}  precision ${(t.tp + t.fp ? t.tp / (t.tp + t.fp) : 1).toFixed(2)}${t.gone ? `  (${t.gone} no longer reported)` : ''}`);
  }
  if (labelsAt < 0) return;
  const labels = parseLabels(readFileSync(args[labelsAt + 1]!, 'utf8'));
  console.log(`\n${labels.length} labelled call sites — missing output limit, by SDK:`);
  console.log('  sdk                   sites  tp  fp  fn  precision  recall');
  for (const s of score(labels, flagged))
    console.log(`  ${s.sdk.padEnd(20)} ${String(s.sites).padStart(6)} ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}  ${s.precision.toFixed(2).padStart(9)}  ${s.recall.toFixed(2).padStart(6)}`);
}

void main();
