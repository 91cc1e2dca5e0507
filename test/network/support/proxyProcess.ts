/** Starts test/network/support/proxyMain.ts as a child process with the given environment. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

export interface ProxyProcess {
  url: string;
  adminToken: string;
  /** Everything the proxy logged so far. */
  log(): string;
  close(): Promise<void>;
}

/** The proxy's environment: PATH and HOME only, plus `env` (no developer's HTTPS_PROXY leaks in). */
export async function startProxyProcess(policy: unknown, env: Record<string, string>): Promise<ProxyProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-net-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(here, 'proxyMain.ts'), JSON.stringify({ dataDir, policy })], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dataDir, TOLLGATE_MODEL_DOWNLOAD: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const ready = await new Promise<string>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start:\n${err}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /READY (\S+) (\S+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveReady(`${m[1]} ${m[2]}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy exited (${code}):\n${err}`));
    });
  });
  const [url, adminToken] = ready.split(' ') as [string, string];
  return {
    url,
    adminToken,
    log: () => err,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
