/**
 * Which extension host started the proxy that runs on a data directory, kept in a small file there.
 * An extension host that dies without finishing deactivate() (a crash, or VS Code ending it 5 s
 * into a reload or an update's restart) leaves its proxy running with nobody to stop it: the next
 * window found it on the port and used it for good — after an update, the old version's proxy,
 * loading code from an extension folder VS Code is about to delete. With this record the next start
 * recognises such an orphan and replaces it; a proxy whose host is alive (another window's) is
 * still shared. No `vscode` import.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STOP_GRACE_MS, STOP_MESSAGE } from '@contract/process';

export interface OwnerRecord {
  /** The proxy process. */
  pid: number;
  /** The extension host that spawned it. */
  hostPid: number;
  port: number;
  /** Epoch ms of the spawn and of the first healthy /healthz: the proxy started in between. */
  spawnedAt: number;
  healthyAt: number;
  /** What the proxy's /healthz said when it became healthy (absent in records of older extensions). */
  version?: string;
  /** Its build identity (build.ts): tells two builds of one version apart. */
  build?: string;
}

const FILE = 'proxy-owner.json';

export function writeOwner(dataDir: string, record: OwnerRecord): void {
  try {
    writeFileSync(join(dataDir, FILE), JSON.stringify(record), { mode: 0o600 });
  } catch {
    // Best effort: without the record an orphan is only shared, as before.
  }
}

export function readOwner(dataDir: string): OwnerRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Partial<OwnerRecord>;
    const ints = [r.pid, r.hostPid, r.port, r.spawnedAt, r.healthyAt];
    if (!ints.every((n) => Number.isSafeInteger(n) && (n as number) > 0)) return undefined;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const version = text(r.version);
    const build = text(r.build);
    return { pid: r.pid!, hostPid: r.hostPid!, port: r.port!, spawnedAt: r.spawnedAt!, healthyAt: r.healthyAt!, ...(version ? { version } : {}), ...(build ? { build } : {}) };
  } catch {
    return undefined;
  }
}

/** Removes the record when it still names `pid` (another window may have recorded its own since). */
export function clearOwner(dataDir: string, pid: number | undefined): void {
  if (pid === undefined || readOwner(dataDir)?.pid !== pid) return;
  try {
    rmSync(join(dataDir, FILE), { force: true });
  } catch {
    // a stale record is checked against the live process anyway
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another account.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Rounding of /healthz uptimeSec plus clock jitter. */
const UPTIME_SLACK_MS = 1_500;

/**
 * The recorded proxy when it is an orphan serving `port`: its extension host is gone, it still
 * runs, and the proxy answering on the port has been up since that spawn (`uptimeSec` from its
 * /healthz) — so a recycled pid is never taken for it. The caller has already checked that the
 * proxy on the port holds the user's admin token.
 */
export function orphanOnPort(dataDir: string, port: number, uptimeSec: number | undefined, now = Date.now()): OwnerRecord | undefined {
  const r = readOwner(dataDir);
  if (!r || r.port !== port || uptimeSec === undefined) return undefined;
  if (r.hostPid === process.pid || isAlive(r.hostPid) || !isAlive(r.pid)) return undefined;
  const startedAt = now - uptimeSec * 1000;
  return startedAt >= r.spawnedAt - UPTIME_SLACK_MS && startedAt <= r.healthyAt + UPTIME_SLACK_MS ? r : undefined;
}

/**
 * From SIGTERM to SIGKILL for a proxy: its own stop bound (a slow model-load step included) and two
 * seconds to exit, so SIGKILL is only ever for a proxy that hangs past its own deadline.
 */
export const KILL_AFTER_MS = STOP_GRACE_MS + 2_000;

/** STOP_MESSAGE over `channel` (a proxy this host spawned: on Windows SIGTERM ends it at once, held rows unwritten), else SIGTERM; SIGKILL when it is still there after `graceMs`. Resolves once it is gone (or given up on). */
export async function stopProcess(pid: number, graceMs = KILL_AFTER_MS, channel?: ChildProcess): Promise<void> {
  const gone = async (ms: number): Promise<boolean> => {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      if (!isAlive(pid)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return !isAlive(pid);
  };
  try {
    if (channel?.connected) channel.send(STOP_MESSAGE, (e) => e && channel.kill('SIGTERM'));
    else process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await gone(graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await gone(2_000);
}
