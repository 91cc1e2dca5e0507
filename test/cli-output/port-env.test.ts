/**
 * $TOLLGATE_PORT is read the same way by every command: `start` listens on it (a --port flag wins
 * over it, and it wins over the policy's server.port), the commands that talk to a running proxy
 * look for it there, and a value that is no port is a usage error (exit 2) of the command that
 * reads it, as the same value given to --port is.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { freePort } from '../support/freePort';
import { CLI, runCli } from './cli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-port-env-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the proxy, returns the URL its banner names, then stops it (SIGTERM, by its PID). */
async function listeningUrl(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [...CLI, 'start', '--data-dir', join(dir, 'data'), ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    return await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`proxy exited before listening: ${out}${err}`)));
    });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('TOLLGATE_PORT', () => {
  it('start listens on it, over the policy file server.port', async () => {
    const [port, policyPort] = [await freePort(), await freePort()];
    mkdirSync(join(dir, '.tollgate'));
    writeFileSync(join(dir, '.tollgate', 'policy.yaml'), `server:\n  port: ${policyPort}\n`);
    expect(await listeningUrl([], { TOLLGATE_PORT: String(port) })).toBe(`http://127.0.0.1:${port}`);
  }, 120_000);

  it('a --port flag wins over it', async () => {
    const port = await freePort();
    expect(await listeningUrl(['--port', String(port)], { TOLLGATE_PORT: 'not-a-port' })).toBe(`http://127.0.0.1:${port}`);
  }, 120_000);

  it('a value that is no port is a usage error of start and of batch, naming the variable', async () => {
    const start = await runCli(['start', '--data-dir', join(dir, 'data')], { cwd: dir, env: { HOME: dir, TOLLGATE_PORT: '41 41' } });
    expect(start.code).toBe(EXIT_CODES.usage);
    expect(start.stderr).toMatch(/^error: TOLLGATE_PORT="41 41": expected a port number from 0 to 65535/);
    const batch = await runCli(['batch', 'opportunities'], { cwd: dir, env: { HOME: dir, TOLLGATE_PORT: '99999' } });
    expect(batch.code).toBe(EXIT_CODES.usage);
    expect(batch.stderr).toMatch(/^error: TOLLGATE_PORT="99999": expected a port number/);
  }, 120_000);
});
