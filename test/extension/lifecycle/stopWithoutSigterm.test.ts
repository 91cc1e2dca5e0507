/**
 * Stopping the proxy where SIGTERM cannot be caught (Windows: Node's kill() terminates outright), with
 * the real proxy CLI run from source and its SIGTERM handler removed (fixtures/sigterm-kills.cjs):
 * the supervisor's stop still runs the proxy's graceful stop — calls drained, held ledger rows
 * written, the database closed — because it asks over the IPC channel, not by signal.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxySupervisor } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';
import { alive } from '../support/processes';

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-stop-without-sigterm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stopping a proxy that has no SIGTERM handler (as on Windows)', () => {
  it('runs its graceful stop: the stop is logged, the database closed, the process exits on its own', async () => {
    const logs: string[] = [];
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const sup = new ProxySupervisor({
      log: (l) => logs.push(l),
      baseEnv: { ...process.env, NODE_OPTIONS: `--import ${tsx} --require ${join(__dirname, '../fixtures/sigterm-kills.cjs')}` },
      startTimeoutMs: 60_000,
    });
    const dataDir = join(dir, 'data');
    const state = await sup.start({ nodePath: process.execPath, cliPath: join(root, 'proxy/src/cli/main.ts'), port: await freePort(), dataDir, env: { TOLLGATE_ADMIN_TOKEN: 'stop-without-sigterm-token' } });
    expect(state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
    const pid = sup.pid!;
    expect(existsSync(join(dataDir, 'tollgate.db-wal'))).toBe(true);
    await sup.stop();
    expect(alive(pid)).toBe(false);
    expect(logs.filter((l) => l.includes('[tollgate] stopping'))).toHaveLength(1);
    // The last connection's clean close checkpoints and removes the write-ahead log; a kill leaves it.
    expect(existsSync(join(dataDir, 'tollgate.db-wal'))).toBe(false);
  }, 90_000);
});
