/**
 * ProxySupervisor with real child processes: a stand-in CLI that follows the proxy CLI's contract
 * (and, when `npm run build` has produced it, the real dist/proxy/cli.js).
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProxySupervisor, checkHealth, type LaunchSpec } from '../../extension/src/proxy/supervisor';
import type { ProxyState } from '../../extension/src/proxy/state';
import { freePort } from '../support/freePort';
import { alive } from './support/processes';

const fakeCli = join(__dirname, 'fixtures/fake-proxy-cli.mjs');
const realCli = join(__dirname, '../../dist/proxy/cli.js');
let dir: string;
const supervisors: ProxySupervisor[] = [];


async function waitFor<T>(fn: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function make(mode: string, extra: Partial<ConstructorParameters<typeof ProxySupervisor>[0]> = {}) {
  const logs: string[] = [];
  const states: ProxyState[] = [];
  const sup = new ProxySupervisor({
    log: (l) => logs.push(l),
    baseEnv: { ...process.env, FAKE_MODE: mode },
    backoff: { initialMs: 20, maxMs: 100, maxRestarts: 3, resetAfterMs: 60_000 },
    healthIntervalMs: 100,
    startTimeoutMs: 15_000,
    ...extra,
  });
  sup.onDidChangeState((s) => states.push(s));
  supervisors.push(sup);
  return { sup, logs, states };
}

async function spec(overrides: Partial<LaunchSpec> = {}): Promise<LaunchSpec> {
  return {
    nodePath: process.execPath,
    cliPath: fakeCli,
    port: await freePort(),
    dataDir: mkdtempSync(join(dir, 'data-')),
    env: { OPENAI_API_KEY: 'sk-test-secret-value-123', TOLLGATE_ADMIN_TOKEN: 'admin-token-abcdef' },
    ...overrides,
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-supervisor-'));
});
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ProxySupervisor', () => {
  it('starts the proxy as its own process, waits for /healthz and passes keys through the environment', async () => {
    const { sup, states } = make('ok');
    const s = await spec();
    const state = await sup.start(s);
    expect(state).toMatchObject({ kind: 'running', port: s.port, url: `http://127.0.0.1:${s.port}`, attached: false });
    expect(states.map((x) => x.kind)).toEqual(['starting', 'running']);
    const res = await fetch(`http://127.0.0.1:${s.port}/healthz`);
    const body = (await res.json()) as { pid: number; args: string[]; hasOpenAIKey: boolean; hasAdminToken: boolean };
    expect(body.pid).toBe(sup.pid);
    expect(body.pid).not.toBe(process.pid);
    expect(body.args).toEqual(['start', '--port', String(s.port), '--data-dir', s.dataDir]);
    expect(body.hasOpenAIKey).toBe(true);
    expect(body.hasAdminToken).toBe(true);
  });

  it('passes --policy when a policy file is given', async () => {
    const { sup } = make('ok');
    const s = await spec({ policyFile: '/some/where/.tollgate/policy.yaml' });
    await sup.start(s);
    const body = (await (await fetch(`http://127.0.0.1:${s.port}/healthz`)).json()) as { args: string[] };
    expect(body.args.slice(-2)).toEqual(['--policy', '/some/where/.tollgate/policy.yaml']);
  });

  it('never writes a key into the log, even when the child prints it', async () => {
    const { sup, logs } = make('leak-key');
    const s = await spec();
    await sup.start(s);
    await waitFor(() => logs.some((l) => l.includes('fake proxy: key is')), 'the leaked line');
    expect(logs.join('\n')).not.toContain('sk-test-secret-value-123');
    expect(logs.find((l) => l.includes('fake proxy: key is'))).toContain('***');
  });

  it('stop() ends the child process', async () => {
    const { sup } = make('ok');
    await sup.start(await spec());
    const pid = sup.pid!;
    expect(alive(pid)).toBe(true);
    await sup.stop();
    expect(sup.state.kind).toBe('stopped');
    expect(alive(pid)).toBe(false);
  });

  it('stop() waits out the proxy\'s own slowest stop (a model-load step finishing) instead of killing it', async () => {
    // The proxy's worst case: calls drained (3 s + 1.5 s), then up to 5 s for the embedding worker.
    const { sup } = make('ok', { baseEnv: { ...process.env, FAKE_MODE: 'ok', FAKE_STOP_MS: '7000' } });
    const s = await spec();
    await sup.start(s);
    const pid = sup.pid!;
    const started = Date.now();
    await sup.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_900);
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(s.dataDir, 'stopped-cleanly'))).toBe(true);
  }, 30_000);

  it('restarts a proxy that dies, with a new process', async () => {
    const { sup, states } = make('ok');
    const s = await spec();
    await sup.start(s);
    const first = sup.pid!;
    process.kill(first, 'SIGKILL');
    await waitFor(() => sup.state.kind === 'running' && sup.pid !== first, 'a restarted proxy');
    expect(states.some((x) => x.kind === 'restarting')).toBe(true);
    expect(await checkHealth(s.port)).toMatchObject({ status: 'ok' });
  });

  it('restarts after a crash at start-up (backoff) and then runs', async () => {
    const { sup, states } = make('crash-once');
    const s = await spec();
    await sup.start(s);
    await waitFor(() => sup.state.kind === 'running', 'running after one crash');
    const restarting = states.filter((x) => x.kind === 'restarting');
    expect(restarting).toHaveLength(1);
  });

  it('gives up with a clear failure when the proxy keeps crashing', async () => {
    const { sup, states } = make('crash');
    await sup.start(await spec());
    const failed = await waitFor(() => (sup.state.kind === 'failed' ? sup.state : undefined), 'failed state');
    expect(failed.reason).toBe('crashed');
    expect(failed.message).toMatch(/gave up after 3 restarts/);
    // The backoff grew: each restart waited at least as long as the one before.
    const delays = states.flatMap((x) => (x.kind === 'restarting' ? [x.inMs] : []));
    expect(delays).toEqual([20, 40, 80]);
  });

  describe('when the port is taken', () => {
    let blocker: Server;
    let port: number;
    beforeAll(async () => {
      port = await freePort();
      blocker = createServer((_req, res) => {
        res.statusCode = 404;
        res.end('not tollgate');
      });
      await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    });
    afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

    it('by another program: fails with reason port-in-use and does not restart', async () => {
      const { sup, states } = make('ok');
      const state = await sup.start(await spec({ port }));
      expect(state).toMatchObject({ kind: 'failed', reason: 'port-in-use' });
      expect(state.kind === 'failed' && state.message).toContain(`Port ${port} is in use`);
      expect(states.some((x) => x.kind === 'restarting')).toBe(false);
    });
  });

  it('by another Tollgate proxy: attaches to it instead of failing', async () => {
    const owner = make('ok');
    const s = await spec();
    await owner.sup.start(s);
    const second = make('ok');
    const state = await second.sup.start({ ...s, dataDir: mkdtempSync(join(dir, 'data-')) });
    expect(state).toMatchObject({ kind: 'running', port: s.port, attached: true });
    expect(second.sup.pid).toBeUndefined();
    // Stopping the attached supervisor leaves the owner's proxy alone.
    await second.sup.stop();
    expect(await checkHealth(s.port)).toMatchObject({ status: 'ok' });
  });

  it('does not restart a proxy whose policy is invalid (exit 4)', async () => {
    const { sup, states } = make('bad-policy');
    const state = await sup.start(await spec({ policyFile: '/x/.tollgate/policy.yaml' }));
    expect(state).toMatchObject({ kind: 'failed', reason: 'bad-policy' });
    expect(states.some((x) => x.kind === 'restarting')).toBe(false);
  });

  it('reports a missing proxy CLI without spawning anything', async () => {
    const { sup } = make('ok');
    const state = await sup.start(await spec({ cliPath: join(dir, 'nope/cli.js') }));
    expect(state).toMatchObject({ kind: 'failed', reason: 'missing-cli' });
  });

  it('reports a Node executable that cannot run', async () => {
    const { sup } = make('ok');
    const state = await sup.start(await spec({ nodePath: join(dir, 'no-such-node') }));
    expect(state).toMatchObject({ kind: 'failed', reason: 'no-node' });
  });

  it('supervises the real proxy CLI (dist/proxy/cli.js)', async () => {
    if (!existsSync(realCli)) execFileSync(process.execPath, [join(__dirname, '../../scripts/build.mjs')], { stdio: 'inherit' });
    const { sup, logs } = make('ok', { startTimeoutMs: 60_000 });
    const s = await spec({ cliPath: realCli });
    const state = await sup.start(s);
    expect(state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
    const health = (await (await fetch(`http://127.0.0.1:${s.port}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    expect(logs.join('\n')).not.toContain('sk-test-secret-value-123');
    const pid = sup.pid!;
    await sup.stop();
    expect(alive(pid)).toBe(false);
  });
});
