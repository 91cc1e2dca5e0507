/**
 * The real open-source Portkey gateway (npm @portkey-ai/gateway, a devDependency) in a child
 * process on 127.0.0.1 (shared by the export checks and the behaviour suite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/freePort';

const here = dirname(fileURLToPath(import.meta.url));
const gatewayPkg = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');

export interface PortkeyGateway {
  url: string;
  version: string;
  close(): Promise<void>;
}


export async function startPortkey(env: Record<string, string> = {}): Promise<PortkeyGateway> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', join(here, '..', 'support', 'loopback.mjs'), join(dirname(gatewayPkg), 'build', 'start-server.js'), '--headless', `--port=${port}`],
    { stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production', ...env } },
  );
  const url = `http://127.0.0.1:${port}`;
  // A deadline, not a count of tries: on a loaded machine each try (a fetch, then 100 ms) takes
  // longer, and the gateway's start takes longer too. It stays inside the 120 s hook timeout.
  const deadline = Date.now() + 100_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('gateway did not start within 100 s');
    }
    try {
      if ((await fetch(`${url}/`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const { version } = createRequire(import.meta.url)(gatewayPkg) as { version: string };
  return {
    url,
    version,
    async close() {
      if (child.pid && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await exited;
      }
    },
  };
}
