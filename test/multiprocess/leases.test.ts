/**
 * Reservations of another proxy process on the same data directory are recovered by lease, not by
 * pid alone: a pid can be reused by an unrelated process after a crash, and means nothing across
 * hosts or container pid namespaces sharing the file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../proxy/src/db/open';
import { Governor } from '../../proxy/src/governance/governor';
import { fromNano } from '../../proxy/src/governance/migrate';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { policy, tempDb, worstCase, type TempDb } from '../governance/helpers';

const PER_CALL = worstCase('gpt-4.1-nano', 1000, 1000);
const INPUT: PolicyInput = { budgets: [{ name: 'd', period: 'day', usd: PER_CALL * 100 }] };
const worker = fileURLToPath(new URL('./fixtures/lease-worker.ts', import.meta.url));

let t: TempDb | undefined;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  t?.cleanup();
  t = undefined;
});

/** A live process that admitted `count` calls on the file and keeps them in flight. */
async function holder(file: string, count: number): Promise<{ child: ChildProcess; ids: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, file, JSON.stringify(INPUT), String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
  return { child, ids: (JSON.parse(line) as { ids: string[] }).ids };
}

/**
 * Reserved and spent $ over every period of the file. Not status(): that reads the period of the
 * judge's clock, and a judge an hour ahead of the holder (the clock-jump case) run between 23:00
 * and 24:00 UTC reads the next day, where the holder's call (reserved in its own day) is not.
 */
function totals(db: Db): { reservedUsd: number; spentUsd: number } {
  const row = db.prepare('SELECT COALESCE(SUM(reserved_nano), 0) AS r, COALESCE(SUM(spent_nano), 0) AS s FROM governance_spend').get() as { r: number; s: number };
  return { reservedUsd: fromNano(row.r), spentUsd: fromNano(row.s) };
}

async function killed(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGKILL');
  await exited;
}

/** A governor on a fresh data file, on a clock the test moves, beside a live proxy process holding one call. */
async function judgeBesideHolder() {
  const data = tempDb();
  t = data;
  const p = policy(INPUT);
  const clock = { now: Date.now() };
  const judge = new Governor(data.open(), () => p, () => clock.now, { leaseTtlMs: 20_000 });
  const { child } = await holder(data.file, 1);
  clock.now = Date.now();
  return { judge, child, clock, data };
}

describe('reservations of other processes, by lease', () => {
  it('recovers a dead proxy’s reservations once its lease expires, even when its pid now belongs to another process', async () => {
    t = tempDb();
    const p = policy(INPUT);
    const TTL = 20_000;
    const { child, ids } = await holder(t.file, 2);
    // The judge's clock starts from the holder's last lease renewal, and the judge only once the
    // holder is up: started before, the holder's start-up (seconds on a loaded machine) was a gap
    // in the judge's sweeps, which it takes for a suspended machine (leases distrusted for a lease).
    let now = Date.now();
    const judge = new Governor(t.open(), () => p, () => now, { leaseTtlMs: TTL });
    await killed(child);
    // The pid is reused: an unrelated, live process (here a sleeping child) has it now.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(other);
    const db = t.open();
    db.prepare('UPDATE governance_reservations SET owner_pid = ?').run(other.pid!);
    const hasLeases = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'governance_owners'").get() !== undefined;
    if (hasLeases) db.prepare('UPDATE governance_owners SET pid = ? WHERE pid = ?').run(other.pid!, child.pid!);

    expect(totals(db).reservedUsd).toBeCloseTo(2 * PER_CALL, 12);
    // The judge sweeps now and then (renewing its own lease); well before the 30-minute staleness rule.
    now += TTL / 2;
    expect(judge.recoverAfterRestart()).toBe(0); // the dead proxy's lease has not run out yet
    now += TTL / 2 + 5_000;
    expect(judge.recoverAfterRestart()).toBe(2);
    const s = totals(db);
    expect(s.reservedUsd).toBe(0);
    expect(s.spentUsd).toBeCloseTo(2 * PER_CALL, 12);
    const states = db.prepare(`SELECT state FROM governance_reservations WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Array<{ state: string }>;
    expect(states.map((r) => r.state)).toEqual(['recovered', 'recovered']);
  }, 30_000);

  it('never recovers the in-flight reservations of a live proxy whose pid means nothing here (another host or pid namespace)', async () => {
    const { judge, child, clock, data } = await judgeBesideHolder();
    // Seen from here, the live holder's pid names no process (a container's own pid namespace,
    // another machine on a shared volume): what a pid check alone would take for a crash.
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    const db = data.open();
    db.prepare('UPDATE governance_reservations SET owner_pid = ?').run(dead.pid!);
    const hasLeases = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'governance_owners'").get() !== undefined;
    if (hasLeases) db.prepare("UPDATE governance_owners SET pid = ?, host = 'another-container' WHERE pid = ?").run(dead.pid!, child.pid!);

    expect(judge.recoverAfterRestart()).toBe(0);
    expect(judge.recoverOrphans()).toBe(0);
    expect(totals(db).reservedUsd).toBeCloseTo(PER_CALL, 12);
    // Once it stops renewing (killed) and its lease runs out, it is recovered.
    await killed(child);
    clock.now += 12_000;
    expect(judge.recoverOrphans()).toBe(0);
    clock.now += 12_000;
    expect(judge.recoverOrphans()).toBe(1);
    expect(totals(db).reservedUsd).toBe(0);
  }, 30_000);

  it('does not take others’ leases for expired when its own clock jumped (the machine slept)', async () => {
    const { judge, child, clock, data } = await judgeBesideHolder();
    // The whole machine was suspended for an hour: every lease, ours included, looks old.
    clock.now += 3_600_000 - 1;
    const db = data.open();
    db.prepare("UPDATE governance_owners SET host = 'another-container'").run();
    db.prepare('UPDATE governance_reservations SET created_at = ?').run(clock.now - 1_000);
    expect(judge.recoverOrphans()).toBe(0);
    expect(totals(db).reservedUsd).toBeCloseTo(PER_CALL, 12);
    expect(db.prepare('SELECT state FROM governance_reservations').all()).toEqual([{ state: 'open' }]);
    child.stdin!.end();
  }, 30_000);
});
