/**
 * An extension host that dies without finishing deactivate() (a crash, or VS Code ending it 5 s
 * into a reload or an update's extension restart) leaves the proxy it started running. The next
 * window used to find it on the port and attach to it for good: nobody ever stopped it, and after
 * an update it was the old version's proxy. Now the next start replaces such an orphan with its
 * own proxy, while a proxy whose host is alive (another window's) is still shared.
 * Real proxy CLI (dist/proxy/cli.js), real processes.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxySupervisor, checkHealth, type LaunchSpec } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';
import { alive } from '../support/processes';

const root = join(__dirname, '../../..');
const cli = join(root, 'dist/proxy/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-orphan-'));
const started: number[] = [];

/** Starts the stand-in host; resolves with it and the proxy pid it reports once its proxy runs. */
async function startHost(spec: LaunchSpec): Promise<{ host: ChildProcess; proxyPid: number }> {
  const host = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'hostMain.ts'), spec.cliPath, String(spec.port), spec.dataDir, spec.env.TOLLGATE_ADMIN_TOKEN!], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  host.stderr!.on('data', (c) => {
    err += String(c);
  });
  const line = await new Promise<string>((resolve, reject) => {
    host.stdout!.on('data', (c) => {
      out += String(c);
      if (out.includes('\n')) resolve(out.trim());
    });
    host.once('exit', (code) => reject(new Error(`host exited ${code}: ${err}`)));
  });
  const { state, pid } = JSON.parse(line) as { state: { kind: string }; pid: number };
  expect(state.kind, err).toBe('running');
  started.push(pid);
  return { host, proxyPid: pid };
}

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('a proxy left running by an extension host that died', () => {
  it('is replaced by the next window’s own proxy; a live window’s proxy is still shared', async () => {
    if (!existsSync(cli)) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
    const spec: LaunchSpec = { nodePath: process.execPath, cliPath: cli, port: await freePort(), dataDir: mkdtempSync(join(dir, 'data-')), env: { TOLLGATE_ADMIN_TOKEN: 'admin-token-orphan-test', TOLLGATE_MODEL_DOWNLOAD: '0' } };
    const { host, proxyPid } = await startHost(spec);
    const logs: string[] = [];
    const window = new ProxySupervisor({ log: (l) => logs.push(l), startTimeoutMs: 60_000 });
    try {
      // The first window is alive: the second shares its proxy and leaves it alone.
      expect(await window.start(spec), logs.join('\n')).toMatchObject({ kind: 'running', attached: true });
      expect(alive(proxyPid)).toBe(true);
      await window.stop();

      // The first window's host dies without deactivating: its proxy is an orphan.
      const gone = new Promise((r) => host.once('exit', r));
      host.kill('SIGKILL');
      await gone;
      await new Promise((r) => setTimeout(r, 300));
      expect(alive(proxyPid)).toBe(true);
      expect(await checkHealth(spec.port)).toMatchObject({ status: 'ok' });

      const state = await window.start(spec);
      expect(state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      expect(window.pid).not.toBe(proxyPid);
      expect(alive(proxyPid)).toBe(false);
      expect(logs.join('\n')).toContain(`left running by an extension host that is gone`);

      // This window's own proxy: stopping the window stops it, nothing stays on the port.
      const own = window.pid!;
      await window.stop();
      expect(alive(own)).toBe(false);
      expect(await checkHealth(spec.port, 500)).toBeUndefined();
    } finally {
      await window.stop();
      if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
    }
  });
});
