/**
 * `npm run eval:lint -- <dir> [--labels test/data/lint-labels/output-limit.tsv]`
 *
 * Runs the analysis over every file under <dir> and prints findings per rule. With labels (call
 * sites of public repositories, listed with their commits in test/data/lint-labels/sources.tsv),
 * also prints precision and recall of the missing-output-limit rules per SDK. <dir> holds the
 * sources as `<owner>+<repo>/<path>`; they are fetched separately, never kept in this repository.
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
  const dir = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--labels');
  if (!dir) {
    console.error('usage: npm run eval:lint -- <dir> [--labels <file.tsv>]');
    process.exit(2);
  }
  const labelsAt = args.indexOf('--labels');
  const perRule = new Map<string, number>();
  const flagged = new Set<string>();
  let files = 0;
  for (const file of walk(dir)) {
    const r = await analyzeFile({ path: file, text: readFileSync(file, 'utf8') });
    if (r.kind === 'unknown') continue;
    files++;
    for (const d of r.diagnostics) {
      perRule.set(d.ruleId, (perRule.get(d.ruleId) ?? 0) + 1);
      if (LIMIT_RULES.has(d.ruleId)) flagged.add(`${relative(dir, file).replace('+', '/')}:${d.range.start.line + 1}`);
    }
  }
  console.log(`${files} files analysed`);
  console.log('findings per rule:');
  for (const [rule, n] of [...perRule].sort()) console.log(`  ${rule.padEnd(30)} ${n}`);
  if (labelsAt < 0) return;
  const labels = parseLabels(readFileSync(args[labelsAt + 1]!, 'utf8'));
  console.log(`\n${labels.length} labelled call sites — missing output limit, by SDK:`);
  console.log('  sdk                   sites  tp  fp  fn  precision  recall');
  for (const s of score(labels, flagged))
    console.log(`  ${s.sdk.padEnd(20)} ${String(s.sites).padStart(6)} ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}  ${s.precision.toFixed(2).padStart(9)}  ${s.recall.toFixed(2).padStart(6)}`);
}

void main();
