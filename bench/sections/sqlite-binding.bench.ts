/**
 * The SQLite binding: Tollgate's `Db` (the N-API `@photostructure/sqlite` behind proxy/src/db's
 * adapter) against better-sqlite3 (compiled for one Node ABI; a dev dependency kept only for this
 * comparison), running the product's own code — Ledger.record, ExactCache.put/get and
 * SemanticStore.search over a vec0 table of 100k rows — on files opened with the same pragmas and
 * sqlite-vec. Each binding runs in its own process (bench/sqlite-binding-worker.ts: two SQLite
 * libraries cannot share one sqlite-vec in a process); rounds alternate between them so machine
 * load hits both alike. Figures are medians over rounds; ratio = new / better-sqlite3, this run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { openDatabase } from '../../proxy/src/db/open';
import { percentile, type BenchRow, type BenchSection } from '../lib';
import { DIMS, vectors } from '../sqlite-binding-data';

const ROUNDS = Number(process.env.BENCH_SQLITE_ROUNDS ?? 15);
const OPS = Number(process.env.BENCH_SQLITE_OPS ?? 400);
const VEC_ROWS = Number(process.env.BENCH_VEC_ROWS ?? 100_000);
type Op = 'insert' | 'put' | 'get' | 'knn' | 'insertCpu' | 'putCpu' | 'getCpu' | 'knnCpu';

interface Side {
  name: string;
  child: ChildProcess;
  lines: Interface;
  next(): Promise<string>;
  times: Record<Op, number[]>;
}

function startSide(name: string, binding: string, dir: string, vecFile: string): Side {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../sqlite-binding-worker.ts'), binding, dir, vecFile], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_SQLITE_OPS: String(OPS) },
  });
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  lines.on('line', (l) => (waiters.length ? waiters.shift()!(l) : queue.push(l)));
  const exited = new Promise<string>((_, rej) => child.once('exit', (code, sig) => rej(new Error(`${name} worker exited (${code ?? sig})`))));
  exited.catch(() => undefined);
  const next = () => Promise.race([queue.length ? Promise.resolve(queue.shift()!) : new Promise<string>((r) => waiters.push(r)), exited]);
  return { name, child, lines, next, times: { insert: [], put: [], get: [], knn: [], insertCpu: [], putCpu: [], getCpu: [], knnCpu: [] } };
}

export default async function sqliteBindingBench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-sqlite-'));
  const sides: Side[] = [];
  try {
    // One vec0 file of VEC_ROWS entries, written once (by Tollgate's Db) and searched by both.
    const vecFile = join(dir, 'vectors.db');
    const t0 = performance.now();
    {
      const db = openDatabase(vecFile);
      const store = new SemanticStore(db);
      store.migrate();
      const batch = 2000;
      for (let start = 0; start < VEC_ROWS; start += batch) {
        const vs = vectors(Math.min(batch, VEC_ROWS - start), start + 7);
        db.transaction(() => {
          vs.forEach((vector, k) => store.insert({ entryId: start + k + 1, namespace: 'ns', modelId: 'use-lite', vector, text: `t${start + k}`, expiresAt: 4e12 }));
        })();
      }
      db.close();
    }
    const populateS = (performance.now() - t0) / 1000;

    sides.push(startSide('better-sqlite3', 'better-sqlite3', dir, vecFile), startSide('@photostructure/sqlite via Db', 'db', dir, vecFile));
    for (const s of sides) if ((await s.next()) !== 'ready') throw new Error(`${s.name} did not start`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        side.child.stdin!.write(`round ${round}\n`);
        const t = JSON.parse(await side.next()) as Record<Op, number>;
        for (const k of Object.keys(side.times) as Op[]) side.times[k].push(t[k]);
      }
    }

    const [base, next] = sides as [Side, Side];
    const med = (xs: number[]) => percentile(xs, 50);
    const ops: Array<['insert' | 'put' | 'get' | 'knn', string, string]> = [
      ['insert', 'ledger insert (Ledger.record)', 'µs'],
      ['put', 'exact-cache put (800 B body)', 'µs'],
      ['get', 'exact-cache get by key', 'µs'],
      ['knn', `vec0 KNN, ${VEC_ROWS.toLocaleString('en')} rows (SemanticStore.search)`, 'ms'],
    ];
    const rows: BenchRow[] = ops.map(([k, name, unit]) => {
      const cpu = `${k}Cpu` as Op;
      return {
        name,
        [`better-sqlite3 ${unit}/op`]: med(base.times[k]),
        [`new binding ${unit}/op`]: med(next.times[k]),
        ratio: med(next.times[k]) / med(base.times[k]),
        'CPU-time ratio': med(next.times[cpu]) / med(base.times[cpu]),
      };
    });
    return {
      title: 'SQLite binding: @photostructure/sqlite (N-API) vs better-sqlite3, same code and files',
      rows,
      notes: [
        `${ROUNDS} alternating rounds of ${OPS} inserts/puts/gets and 10 KNN queries (k=4 of 16 candidates, ${DIMS}-d → bit[${DIMS}]) per binding, each in its own process; median per op; ratio = new / better-sqlite3 in this run (wall time; the CPU-time ratio uses each worker's own user+system time, which load from other processes disturbs less).`,
        `vec0 file populated once by the new binding in ${populateS.toFixed(1)} s (both bindings search the same file); node ${process.version}.`,
      ],
    };
  } finally {
    for (const s of sides) {
      s.child.stdin!.end('quit\n');
      s.lines.close();
    }
    await Promise.all(sides.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once('exit', r)))));
    rmSync(dir, { recursive: true, force: true });
  }
}
