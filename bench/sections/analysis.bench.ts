/**
 * Prompt and code analysis speed: analyse a generated 2,000-line prompt file, a 2,000-line
 * TypeScript file and a 2,000-line Python file, each beside a baseline measured in the same run —
 * a plain tokenizer pass (js-tiktoken, o200k) over the same text.
 */
import { analyzeFile } from '../../proxy/src/analysis/index';
import { countTextTokens } from '../../proxy/src/tokens/count';
import { percentile, timeSerial, type BenchSection } from '../lib';

const LINES = 2000;

/**
 * CPU time (user + system) of each run, beside the wall clock: on a machine shared with other jobs
 * the wall clock includes time spent waiting for a core, the CPU time does not.
 */
async function cpuSerial(n: number, fn: () => Promise<unknown> | unknown, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(c);
    out.push((d.user + d.system) / 1000);
  }
  return out;
}

function promptFile(lines = LINES): string {
  const out = ['---', 'model: gpt-4o', '---'];
  const topics = ['billing', 'refunds', 'shipping', 'accounts', 'security', 'privacy', 'returns', 'warranty'];
  for (let i = 0; out.length < lines; i++) {
    const t = topics[i % topics.length]!;
    out.push(`## Section ${i}: ${t}`, '');
    out.push(`When the customer asks about ${t} case ${i}, answer from the ${t} handbook and cite the paragraph number ${i * 7}.`);
    out.push(`Customer name: {{customer_${i}}}. Keep the answer under ${3 + (i % 5)} sentences and do not speculate.`);
    if (i % 10 === 0) out.push('', '```json', '{', `    "case": ${i},`, `    "topic": "${t}"`, '}', '```');
    if (i % 25 === 0) out.push('', '==========');
    out.push('');
  }
  return out.slice(0, lines).join('\n') + '\n';
}

function tsFile(): string {
  const out = ["import OpenAI from 'openai';", 'const client = new OpenAI();'];
  for (let i = 0; out.length < LINES; i++) {
    out.push(`export async function handler${i}(input: string) {`);
    out.push(`  const r = await client.chat.completions.create({`);
    out.push(`    model: 'gpt-4o-mini',`);
    out.push(`    messages: [{ role: 'system', content: 'You answer question ${i} briefly.' }, { role: 'user', content: input }],`);
    if (i % 2 === 0) out.push(`    max_tokens: ${100 + i},`);
    out.push('  });');
    out.push(`  return r.choices[0]?.message.content ?? '';`);
    out.push('}');
  }
  return out.slice(0, LINES).join('\n') + '\n';
}

function pyFile(): string {
  const out = ['from openai import OpenAI', 'client = OpenAI()'];
  for (let i = 0; out.length < LINES; i++) {
    out.push(`def handler_${i}(text):`);
    out.push('    r = client.chat.completions.create(');
    out.push('        model="gpt-4o-mini",');
    out.push(`        messages=[{"role": "system", "content": "You answer question ${i} briefly."}, {"role": "user", "content": text}],`);
    if (i % 2 === 0) out.push(`        max_tokens=${100 + i},`);
    out.push('    )');
    out.push('    return r.choices[0].message.content');
  }
  return out.slice(0, LINES).join('\n') + '\n';
}

export default async function (): Promise<BenchSection> {
  const cases = [
    { name: '2,000-line .prompt.md', path: 'bench.prompt.md', text: promptFile() },
    { name: '10,000-line .prompt.md', path: 'bench.prompt.md', text: promptFile(10_000) },
    { name: '2,000-line .ts source', path: 'bench.ts', text: tsFile() },
    { name: '2,000-line .py source', path: 'bench.py', text: pyFile() },
  ];
  // Build the encoder and load the Python grammar before timing (one-off costs, reported separately).
  const t0 = performance.now();
  countTextTokens('warm up', 'gpt-4o');
  const encoderMs = performance.now() - t0;
  await analyzeFile({ path: 'warm.py', text: 'x = 1\n' });

  const rows = [];
  for (const c of cases) {
    const runs = 7;
    const baselineFn = () => countTextTokens(c.text, 'gpt-4o');
    let findings = 0;
    let lenses = 0;
    const analyseFn = async () => {
      const r = await analyzeFile({ path: c.path, text: c.text });
      findings = r.diagnostics.length;
      lenses = r.calls.length;
    };
    const baseline = await timeSerial(runs, baselineFn, 2);
    const analyse = await timeSerial(runs, analyseFn, 2);
    const baselineCpu = await cpuSerial(runs, baselineFn, 0);
    const analyseCpu = await cpuSerial(runs, analyseFn, 0);
    const a = percentile(analyse, 50);
    const b = percentile(baseline, 50);
    const ac = percentile(analyseCpu, 50);
    const bc = percentile(baselineCpu, 50);
    rows.push({
      name: c.name,
      'analyse p50 ms': a,
      'tokenizer pass p50 ms (baseline)': b,
      'ratio analyse/baseline': a / b,
      'analyse CPU p50 ms': ac,
      'tokenizer pass CPU p50 ms': bc,
      'CPU ratio': ac / bc,
      findings,
      lenses,
    });
  }
  return {
    title: 'Prompt and code analysis (analyzeFile) vs a plain tokenizer pass over the same text',
    rows,
    notes: [
      `o200k encoder construction, once per process and excluded above: ${encoderMs.toFixed(0)} ms.`,
      'Median of 7 runs after 2 warm-up runs; the baseline is countTextTokens(text, "gpt-4o") on the same file.',
      'CPU columns: process user + system time of the same runs (robust to other jobs on the machine; includes GC).',
    ],
  };
}
