/**
 * The supervisor while a start is under way, with real child processes (the stand-in CLI,
 * test/extension/fixtures): a proxy that answers /healthz and dies before it proves its identity,
 * a stop (the window closing, "Stop Proxy") while the start checks that identity — of its own proxy,
 * or of the user's other proxy that took the port first — and a stop while a restart still waits for
 * the old proxy to exit. None may end with a proxy reported running that is
 * not, or with a proxy running that the window stopped.
 */
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { checkHealth, ProxySupervisor, type LaunchSpec } from '../../../extension/src/proxy/supervisor';
import type { ProxyState } from '../../../extension/src/proxy/state';
import { freePort } from '../../support/freePort';
import { alive } from '../support/processes';

const fakeCli = join(__dirname, '../fixtures/fake-proxy-cli.mjs');
const dir = mkdtempSync(join(tmpdir(), 'tollgate exit during start '));
const supervisors: ProxySupervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function make(env: Record<string, string>) {
  const states: ProxyState[] = [];
  const logs: string[] = [];
  const sup = new ProxySupervisor({
    log: (l) => logs.push(l),
    baseEnv: { ...process.env, ...env },
    backoff: { initialMs: 20, maxMs: 100, maxRestarts: 3, resetAfterMs: 60_000 },
    healthIntervalMs: 100,
  });
  sup.onDidChangeState((s) => states.push(s));
  supervisors.push(sup);
  return { sup, states, logs };
}

async function spec(): Promise<LaunchSpec> {
  return { nodePath: process.execPath, cliPath: fakeCli, port: await freePort(), dataDir: mkdtempSync(join(dir, 'data-')), env: { TOLLGATE_ADMIN_TOKEN: 'admin-token-abcdef' } };
}

describe('a proxy that exits while it starts', () => {
  it('dying after /healthz, before proving its identity: restarts with backoff, never reported running, then gives up', async () => {
    const { sup, states, logs } = make({ FAKE_MODE: 'exit-on-challenge' });
    await sup.start(await spec());
    await vi.waitFor(() => expect(sup.state.kind, logs.join('\n')).toBe('failed'), { timeout: 30_000 });
    expect(sup.state).toMatchObject({ kind: 'failed', reason: 'crashed' });
    expect(states.filter((s) => s.kind === 'running')).toEqual([]);
    expect(states.flatMap((s) => (s.kind === 'restarting' ? [s.inMs] : []))).toEqual([20, 40, 80]);
  });
});

describe('stopped while it starts', () => {
  it('while the start checks the proxy’s identity: stopped, and nothing left running', async () => {
    const { sup, states } = make({ FAKE_MODE: 'ok', FAKE_PROOF_MS: '1000' });
    const s = await spec();
    const started = sup.start(s);
    await vi.waitFor(() => expect(existsSync(join(s.dataDir, 'challenged'))).toBe(true), { timeout: 15_000 });
    const pid = sup.pid!;
    await sup.stop();
    // Never "running" after the stop, and no owner record naming a process that is gone.
    expect((await started).kind).not.toBe('running');
    expect(states.map((x) => x.kind)).toEqual(['starting', 'stopped']);
    expect(existsSync(join(s.dataDir, 'proxy-owner.json'))).toBe(false);
    expect(alive(pid)).toBe(false);
    expect(await checkHealth(s.port)).toBeUndefined();
  });

  it('while a restart waits for the old proxy to exit: no new proxy starts', async () => {
    const { sup } = make({ FAKE_MODE: 'ok', FAKE_STOP_MS: '1000' });
    const s = await spec();
    expect(await sup.start(s)).toMatchObject({ kind: 'running' });
    const restarted = sup.start(s);
    await sup.stop();
    expect(await restarted).toEqual({ kind: 'stopped' });
    expect(sup.state.kind).toBe('stopped');
    expect(sup.pid).toBeUndefined();
    expect(await checkHealth(s.port)).toBeUndefined();
  });

  it('a second stop while the first waits for the proxy to exit: it waits for the same exit', async () => {
    const { sup } = make({ FAKE_MODE: 'ok', FAKE_STOP_MS: '1000' });
    const s = await spec();
    expect(await sup.start(s)).toMatchObject({ kind: 'running' });
    const pid = sup.pid!;
    const first = sup.stop();
    await sup.stop(); // the window closing after "Stop Proxy": deactivate must not return with the proxy still up
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(s.dataDir, 'stopped-cleanly'))).toBe(true);
    await first;
    expect(sup.state.kind).toBe('stopped');
  });

  it('"Stop Proxy", then "Restart" before the proxy is down: the new proxy starts after the old one exits and stays reported running', async () => {
    const { sup, states } = make({ FAKE_MODE: 'ok', FAKE_STOP_MS: '1000' });
    const s = await spec();
    expect(await sup.start(s)).toMatchObject({ kind: 'running' });
    const old = sup.pid!;
    const stopping = sup.stop();
    const restarted = await sup.start(s);
    expect(restarted).toMatchObject({ kind: 'running', attached: false });
    expect(alive(old)).toBe(false);
    await stopping;
    // The first stop ending later must not report the new proxy stopped (nobody would watch or stop it then).
    expect(sup.state).toMatchObject({ kind: 'running', attached: false });
    expect(sup.pid).not.toBe(old);
    expect(alive(sup.pid!)).toBe(true);
    expect(states.map((x) => x.kind).slice(-3)).toEqual(['stopped', 'starting', 'running']);
  });

  it('while the start checks the user’s other proxy that took the port first: stopped, not attached', async () => {
    const token = 'admin-token-abcdef';
    const { sup, states, logs } = make({ FAKE_MODE: 'ok' });
    let challenged = false;
    // Another window's proxy that bound the port a moment before this window's: it answers only once
    // this window's child has exited 3 (port in use), and its proof comes slowly (a loaded machine).
    const other = createServer((req, res) => {
      const challenge = req.headers['x-tollgate-challenge'];
      if (!logs.some((l) => l.includes('proxy exited (code 3)'))) return void res.writeHead(503).end();
      if (typeof challenge === 'string') {
        challenged = true;
        res.setHeader('x-tollgate-proof', createHmac('sha256', token).update(challenge).digest('base64url'));
      }
      setTimeout(() => res.setHeader('content-type', 'application/json').end('{"status":"ok"}'), challenge ? 1000 : 0);
    });
    const s = await spec();
    await new Promise<void>((r) => other.listen(s.port, '127.0.0.1', r));
    try {
      const started = sup.start(s);
      await vi.waitFor(() => expect(challenged).toBe(true), { timeout: 15_000 });
      await sup.stop();
      await started; // once the proof was answered and the exit handled
      expect(sup.state.kind).toBe('stopped');
      expect(states.filter((x) => x.kind === 'running')).toEqual([]);
    } finally {
      other.closeAllConnections();
      other.close();
    }
  });
});
