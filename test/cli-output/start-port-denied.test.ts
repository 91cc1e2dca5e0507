/**
 * `tollgate start` on a port the user may not listen on (below net.ipv4.ip_unprivileged_port_start,
 * 1024 by default on Linux): one line saying so and what to do, exit 1. It was Node's stack trace
 * for `listen EACCES`. Run as an unprivileged user (from root, as the CI containers run, the CLI
 * is started as nobody); skipped where the kernel reserves no ports.
 */
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { runCli } from './cli';

const SYSCTL = '/proc/sys/net/ipv4/ip_unprivileged_port_start';
const firstOpenPort = existsSync(SYSCTL) ? Number(readFileSync(SYSCTL, 'utf8').trim()) : 0;
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-port-denied-'));
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start on a reserved port', () => {
  it.skipIf(firstOpenPort === 0)('is one line naming the port and the way out, exit 1, no stack trace', async () => {
    // The highest reserved port: the kernel checks the privilege before whether the port is taken.
    const port = firstOpenPort - 1;
    const r = await runCli(['start', '--port', String(port), '--data-dir', join(dir, 'data')], { cwd: dir, env: { HOME: dir }, ...(asRoot ? { uid: NOBODY } : {}) });
    expect(r.code).toBe(EXIT_CODES.failure);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `tollgate: permission denied: cannot listen on 127.0.0.1:${port}${port < 1024 ? ' (ports below 1024 are for administrators)' : ''}; choose another port with --port (the default is 4141).`,
    );
    expect(r.stderr).not.toMatch(/node:net|\n\s+at /);
    expect(r.stdout).not.toContain('listening');
  });
});
