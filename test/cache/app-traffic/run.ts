/** Measurement: `npx tsx test/cache/app-traffic/run.ts dev|heldout` prints per-shape hits for each setting. */
import { replay, table } from './replay';
import { dev, dev2, heldOut } from './workload';

const SETTINGS: Array<[string, Record<string, unknown>]> = [
  ['default', {}],
  ['wrongAnswerCostUsd 0 (the operating point alone, as on an expensive call)', { wrongAnswerCostUsd: 0 }],
  ['wrongAnswerCostUsd 0, maxFalseHitRisk 0.4', { wrongAnswerCostUsd: 0, maxFalseHitRisk: 0.4 }],
  ['judge off (threshold + guard)', { judge: false }],
  ['judge off, threshold 0.85', { judge: false, threshold: 0.85 }],
];

const which = process.argv[2] === 'heldout' ? heldOut : process.argv[2] === 'dev2' ? dev2 : dev;
const only = process.argv[3];
for (const [name, s] of SETTINGS) {
  if (only && !name.startsWith(only)) continue;
  const counts = await replay(which, s);
  console.log(`\n### ${name}\n${table(counts)}`);
  for (const [shape, c] of Object.entries(counts)) for (const e of c.falseExamples) console.log(`  false ${shape}: ${e}`);
}
process.exit(0);
