/**
 * Helpers for the reliability tests: a fake upstream plus a real in-process proxy whose provider
 * timeouts and retry policy the test chooses, and small ledger/cache queries by request id.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import type { RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { startHarness, type Harness } from '../support/harness';

/** The shared test harness, with the reliability tests' longer provider timeouts. */
export type Rig = Harness;

export interface RigOptions {
  policy?: PolicyInput;
  /** Per-provider overrides of the upstream URL (e.g. a dead port) and timeouts. */
  openai?: { baseUrl?: string; timeoutMs?: number; idleTimeoutMs?: number };
  anthropic?: { baseUrl?: string; timeoutMs?: number; idleTimeoutMs?: number };
  env?: NodeJS.ProcessEnv;
}

export function startRig(o: RigOptions = {}): Promise<Rig> {
  return startHarness(o.policy ?? {}, {
    env: o.env ?? {},
    openai: { timeoutMs: 10_000, idleTimeoutMs: 3_000, ...o.openai },
    anthropic: { timeoutMs: 10_000, idleTimeoutMs: 3_000, ...o.anthropic },
  });
}

/** A loopback port nothing listens on (bound then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface LedgerRow {
  request_id: string;
  status: number;
  error_type: string | null;
  attempt: number;
  cache: string;
  input_tokens: number;
  output_tokens: number;
  tokens_estimated: number;
  cost_usd: number;
}

export function rowsFor(proxy: RunningProxy, requestId: string | null | undefined): LedgerRow[] {
  if (!requestId) throw new Error('response carried no x-tollgate-request-id');
  return proxy.services.db
    .prepare('SELECT request_id, status, error_type, attempt, cache, input_tokens, output_tokens, tokens_estimated, cost_usd FROM calls WHERE request_id = ? ORDER BY attempt')
    .all(requestId) as LedgerRow[];
}

/** Cache entries whose stored prompt contains `needle` (prompts are stored in plain text without a codec). */
export function cachedCount(proxy: RunningProxy, needle: string): number {
  return (proxy.services.db.prepare('SELECT COUNT(*) AS n FROM cache_entries WHERE instr(prompt, ?) > 0').get(needle) as { n: number }).n;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until `cond` holds (bounded by attempts, not by a wall-clock threshold on the result). The
 * default bound, 20 s, only says when to give up on a condition: a row behind a cold token worker
 * on a loaded machine took longer than the 5 s it used to be.
 */
export async function until(cond: () => boolean, tries = 800, everyMs = 25): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await sleep(everyMs);
  }
  throw new Error('condition never became true');
}

let seq = 0;
/** A prompt no other test sends (so the exact cache never answers it by accident). */
export const uniq = (s: string) => `${s} u${process.pid}x${++seq}x${Math.random().toString(36).slice(2, 8)}`;

// ---- child-process proxy -------------------------------------------------------------------------

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** `node <CLI…>` runs the tollgate CLI from source, whatever the working directory. */
export const CLI = ['--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../../proxy/src/cli/main.ts', import.meta.url))];

/** Runs a tollgate CLI command to completion; returns its exit code and output. */
export function runCli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: o.cwd ?? REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ChildProxy {
  url: string;
  port: number;
  child: ChildProcess;
  pid: number;
  /** Everything the proxy printed so far. */
  output(): { stdout: string; stderr: string };
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs `tollgate start` from source (tsx) as its own process, on port 0, and waits for its URL. */
export async function spawnProxy(o: { dataDir: string; policyFile?: string; env?: NodeJS.ProcessEnv; extraArgs?: string[]; cwd?: string }): Promise<ChildProxy> {
  const args = [...CLI, 'start', '--port', '0', '--data-dir', o.dataDir, ...(o.policyFile ? ['--policy', o.policyFile] : []), ...(o.extraArgs ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: o.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TOLLGATE_ADMIN_TOKEN: 'admin-token-for-tests', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /tollgate listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`proxy exited (${code}) before listening:\n${stdout}\n${stderr}`));
    });
  });
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    child,
    pid: child.pid!,
    output: () => ({ stdout, stderr }),
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * For the `kill -9` tests: a fake upstream and a data directory whose policy file points both
 * providers at it, retries off (each attempt a row of its own) and a day budget, so every call
 * opens a reservation a kill can leave behind. `close` removes both.
 */
export async function killRig(name: string): Promise<{ upstream: FakeUpstream; dir: string; policyFile: string; close(): Promise<void> }> {
  const upstream = await startFakeUpstream();
  const dir = mkdtempSync(join(tmpdir(), `tollgate-${name}-`));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(
    policyFile,
    [
      'providers:',
      `  openai: { baseUrl: "${upstream.openaiBaseUrl}", timeoutMs: 20000 }`,
      `  anthropic: { baseUrl: "${upstream.anthropicBaseUrl}", timeoutMs: 20000 }`,
      'retries: { attempts: 0 }',
      'budgets:',
      `  - { name: ${name}-day, period: day, usd: 1000 }`,
      '',
    ].join('\n'),
  );
  return {
    upstream,
    dir,
    policyFile,
    async close() {
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
