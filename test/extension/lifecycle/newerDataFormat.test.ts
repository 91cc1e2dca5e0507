/**
 * A newer Tollgate migrated the data file under the proxy this window uses: the proxy still answers
 * /healthz but refuses every call (503 tollgate_newer_data_format). The status bar kept showing
 * "running" with today's spend. /healthz now says `dataFileProblem` (also when the file was removed or replaced); the supervisor's liveness check
 * picks it up and the status bar shows the restart it needs, with the action that does it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProxyState } from '../../../extension/src/proxy/state';
import { ProxySupervisor } from '../../../extension/src/proxy/supervisor';
import { statusView } from '../../../extension/src/statusBar/format';
import { userProxies } from '../support/userProxy';

const TOKEN = 'admin-token-newer-format';
const dir = mkdtempSync(join(tmpdir(), 'tollgate-newer-format-ext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { supervisors, proxyOnPort } = userProxies(TOKEN);

const MESSAGE = '/data/tollgate.db was migrated to data format 99 by a newer Tollgate while this proxy was running; … Stop it and start the newer Tollgate.';

describe('a proxy whose data file a newer Tollgate migrated', () => {
  it('shows as needing a restart once /healthz says so, with the action to take', async () => {
    const health: Record<string, unknown> = { version: '0.1.0' };
    const port = await proxyOnPort(health);
    const logs: string[] = [];
    const sup = new ProxySupervisor({ log: (l) => logs.push(l), healthIntervalMs: 50 });
    supervisors.push(sup);
    const states: ProxyState[] = [];
    sup.onDidChangeState((s) => states.push(s));
    const first = await sup.start({ nodePath: process.execPath, cliPath: join(__dirname, '../fixtures/fake-proxy-cli.mjs'), port, dataDir: mkdtempSync(join(dir, 'data-')), env: { TOLLGATE_ADMIN_TOKEN: TOKEN }, version: '0.1.0' });
    expect(first).toMatchObject({ kind: 'running', attached: true });
    expect(statusView(first).text).toMatch(/Tollgate/);
    expect(statusView(first).tone).toBeUndefined();

    health.dataFileProblem = { reason: 'newer-format', format: 99, message: MESSAGE };
    for (let i = 0; i < 100 && !(sup.state.kind === 'running' && sup.state.dataFileProblem); i++) await new Promise((r) => setTimeout(r, 20));
    expect(sup.state).toMatchObject({ kind: 'running', attached: true, dataFileProblem: { reason: 'newer-format', format: 99, message: MESSAGE } });
    // Said once, not at every check.
    await new Promise((r) => setTimeout(r, 200));
    expect(logs.filter((l) => l === MESSAGE)).toHaveLength(1);
    expect(states.filter((s) => s.kind === 'running' && s.dataFileProblem)).toHaveLength(1);

    const view = statusView(sup.state);
    expect(view.text).toBe('$(error) Tollgate: restart needed');
    expect(view.tone).toBe('error');
    expect(view.tooltip).toContain(MESSAGE);
    // Started elsewhere: restarted there; this window shows the log that says how.
    expect(view.action).toEqual({ title: 'Show Proxy Log', command: 'tollgate.showProxyLog' });
    expect(view.ariaLabel).toContain('calls are refused');
  });

  it('a proxy this window started is restarted by reloading the window (the updated extension starts the newer one)', () => {
    const view = statusView({ kind: 'running', url: 'http://127.0.0.1:1', port: 1, attached: false, dataFileProblem: { reason: 'newer-format', format: 99, message: MESSAGE } });
    expect(view.action).toEqual({ title: 'Reload Window', command: 'workbench.action.reloadWindow' });
  });

  it('a malformed dataFileProblem is ignored', async () => {
    const port = await proxyOnPort({ version: '0.1.0', dataFileProblem: { reason: 'gone', message: 1 } });
    const sup = new ProxySupervisor({ log: () => {}, healthIntervalMs: 60_000 });
    supervisors.push(sup);
    const s = await sup.start({ nodePath: process.execPath, cliPath: join(__dirname, '../fixtures/fake-proxy-cli.mjs'), port, dataDir: mkdtempSync(join(dir, 'data-')), env: { TOLLGATE_ADMIN_TOKEN: TOKEN }, version: '0.1.0' });
    expect(s).toMatchObject({ kind: 'running' });
    expect((s as { dataFileProblem?: unknown }).dataFileProblem).toBeUndefined();
  });
});
