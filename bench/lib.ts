/**
 * Shared helpers for `npm run bench`. Each file in bench/sections/*.bench.ts exports
 * `default async function (): Promise<BenchSection>`; bench/run.ts runs them in order and prints
 * every figure beside a baseline measured in the same run (never an absolute threshold).
 */
export interface BenchRow {
  name: string;
  /** Column name → value (numbers printed with sensible precision). */
  [column: string]: string | number;
}

export interface BenchSection {
  title: string;
  rows: BenchRow[];
  notes?: string[];
}

export function percentile(sortedOrUnsorted: number[], p: number): number {
  if (sortedOrUnsorted.length === 0) return NaN;
  const s = [...sortedOrUnsorted].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

/** Run `fn` n times serially (after `warmup` runs) and return durations in ms. */
export async function timeSerial(n: number, fn: () => Promise<unknown> | unknown, warmup = Math.min(50, n)): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Runs `run` `total` times from `connections` concurrent loops: throughput and latency p50/p99 (ms). */
export async function loadTest(connections: number, total: number, run: () => Promise<unknown>): Promise<{ rps: number; p50: number; p99: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next++ < total) {
        const s = performance.now();
        await run();
        lat.push(performance.now() - s);
      }
    }),
  );
  return { rps: total / ((performance.now() - t0) / 1000), p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

export function fmt(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(digits);
}

export function renderSection(s: BenchSection): string {
  const cols = Array.from(new Set(s.rows.flatMap((r) => Object.keys(r))));
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? fmt(v) : (v ?? ''));
  const lines = [`### ${s.title}`, '', `| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`];
  for (const r of s.rows) lines.push(`| ${cols.map((c) => cell(r[c])).join(' | ')} |`);
  if (s.notes?.length) lines.push('', ...s.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
