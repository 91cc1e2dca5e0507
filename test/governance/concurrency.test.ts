/**
 * Budgets hold under concurrency: 50 interleaved calls against a budget that fits 5, within one
 * Governor, across two Governors on the same file, and across two OS processes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { policy, tempDb, tick, worstCase, type TempDb } from './helpers';

const MODEL = 'gpt-4.1-nano';
const PER_CALL = worstCase(MODEL, 1000, 1000);
const LIMIT = PER_CALL * 5;
const POLICY_INPUT: PolicyInput = { budgets: [{ name: 'search-daily', scope: { team: 'search' }, period: 'day', usd: LIMIT, action: 'block' }] };
const request = { identity: { keyFingerprint: 'tg_a', team: 'search' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

function committed(g: Governor): number {
  const s = g.status()[0]!;
  return s.spentUsd + s.reservedUsd;
}

describe('budget enforcement under concurrency', () => {
  it('50 parallel calls, one Governor: committed spend never passes the budget by more than one reservation', async () => {
    t = tempDb();
    const p = policy(POLICY_INPUT);
    const g = new Governor(t.open(), () => p);
    let maxCommitted = 0;
    let allowed = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        for (let k = 0; k < i % 3; k++) await tick(); // stagger arrivals
        const res = g.admit(request);
        maxCommitted = Math.max(maxCommitted, committed(g));
        if (res.decision === 'block') {
          expect(res.message).toContain('search-daily');
          return;
        }
        allowed++;
        await tick();
        // Real usage is usually below the worst case: settle at 60 %.
        g.settle(res.reservationId!, { costUsd: res.reservedUsd! * 0.6, tokens: Math.round(res.reservedTokens! * 0.6) });
        maxCommitted = Math.max(maxCommitted, committed(g));
      }),
    );
    expect(maxCommitted).toBeLessThanOrEqual(LIMIT + PER_CALL + 1e-12);
    expect(allowed).toBeGreaterThanOrEqual(5);
    expect(allowed).toBeLessThan(50);
    const s = g.status()[0]!;
    expect(s.reservedUsd).toBeCloseTo(0, 12);
    expect(s.spentUsd).toBeCloseTo(allowed * PER_CALL * 0.6, 9);
  });

  it('two Governors on the same file see each other’s reservations', async () => {
    t = tempDb();
    const p = policy(POLICY_INPUT);
    const a = new Governor(t.open(), () => p);
    const b = new Governor(t.open(), () => p);
    let allowed = 0;
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const g = i % 2 === 0 ? a : b;
        await tick();
        const res = g.admit(request);
        if (res.decision === 'block') return;
        allowed++;
        await tick();
        g.settle(res.reservationId!, { costUsd: res.reservedUsd!, tokens: res.reservedTokens! });
      }),
    );
    // Settling at the full worst case: exactly the calls that fit, no more.
    expect(allowed).toBe(5);
    expect(committed(a)).toBeLessThanOrEqual(LIMIT + PER_CALL + 1e-12);
    expect(committed(b)).toBeCloseTo(committed(a), 12);
  });

  it('two OS processes racing on one file (BEGIN IMMEDIATE) admit no more than the budget allows', async () => {
    t = tempDb();
    const p = policy(POLICY_INPUT);
    new Governor(t.open(), () => p); // create tables before the race
    const worker = fileURLToPath(new URL('./fixtures/admit-worker.ts', import.meta.url));
    const procs = [0, 1].map(() =>
      spawn(process.execPath, ['--import', 'tsx', worker, t!.file, JSON.stringify(POLICY_INPUT), 'race', '25'], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const outputs = procs.map(
      (child) =>
        new Promise<string[]>((resolve, reject) => {
          let buf = '';
          child.stdout.on('data', (d: Buffer) => {
            buf += d.toString();
            if (buf.includes('ready') && !buf.includes('"allowed"')) child.emit('ready-line');
          });
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve(buf.trim().split('\n')) : reject(new Error(`worker exit ${code}`))));
        }),
    );
    await Promise.all(procs.map((c) => new Promise<void>((r) => c.once('ready-line', () => r()))));
    for (const c of procs) c.stdin.end('go\n');
    const lines = await Promise.all(outputs);
    const allowed = lines.map((l) => (JSON.parse(l.at(-1)!) as { allowed: number }).allowed);
    expect(allowed[0]! + allowed[1]!).toBe(5);
    const check = new Governor(t.open(), () => p);
    const s = check.status()[0]!;
    expect(s.reservedUsd).toBeCloseTo(0, 12);
    expect(s.spentUsd).toBeLessThanOrEqual(LIMIT + PER_CALL + 1e-12);
    expect(s.spentUsd).toBeCloseTo(5 * PER_CALL, 9);
  });
});
