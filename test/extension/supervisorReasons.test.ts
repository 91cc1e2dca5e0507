/**
 * Failure messages say why the proxy stopped, in the CLI's own words, against the real CLI
 * (dist/proxy/cli.js): a malformed TOLLGATE_CACHE_KEY (exit 4, like a bad policy) is not blamed on
 * a policy file the workspace does not have, and a proxy that keeps crashing at start-up (a data
 * directory holding a file that is not SQLite) gives up with that reason, not only an exit code.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FailureLines } from '../../extension/src/proxy/failureLines';
import type { ProxyState } from '../../extension/src/proxy/state';
import { ProxySupervisor, type LaunchSpec } from '../../extension/src/proxy/supervisor';
import { freePort } from '../support/freePort';

const realCli = join(__dirname, '../../dist/proxy/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-supervisor-reasons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


async function run(name: string, spec: Partial<LaunchSpec>, baseEnv: NodeJS.ProcessEnv = process.env): Promise<{ state: ProxyState; states: ProxyState[] }> {
  const sup = new ProxySupervisor({ log: () => undefined, baseEnv, startTimeoutMs: 60_000, backoff: { initialMs: 20, maxMs: 50, maxRestarts: 2, resetAfterMs: 60_000 } });
  const states: ProxyState[] = [];
  sup.onDidChangeState((s) => states.push(s));
  try {
    await sup.start({ nodePath: process.execPath, cliPath: realCli, port: await freePort(), dataDir: join(dir, name), env: { TOLLGATE_ADMIN_TOKEN: 'reasons-admin-token' }, ...spec });
    // A crashing proxy is restarted in the background: wait for the supervisor to give up.
    const end = Date.now() + 60_000;
    while (sup.state.kind !== 'failed' && sup.state.kind !== 'running' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return { state: sup.state, states };
  } finally {
    await sup.stop();
  }
}

describe('proxy failure reasons', () => {
  it('a malformed TOLLGATE_CACHE_KEY is said as such, not as errors in a policy file', async () => {
    const { state } = await run('cache-key', {}, { ...process.env, TOLLGATE_CACHE_KEY: 'not-a-key' });
    expect(state).toMatchObject({ kind: 'failed', reason: 'bad-config' });
    expect((state as { message: string }).message).toContain('TOLLGATE_CACHE_KEY must be 64 hex characters');
    expect((state as { message: string }).message).not.toContain('policy');
  });

  it('an invalid policy file is still a policy error', async () => {
    const policy = join(dir, 'ws', '.tollgate', 'policy.yaml');
    mkdirSync(join(dir, 'ws', '.tollgate'), { recursive: true });
    writeFileSync(policy, 'version: 1\nbudgets:\n  - name: x\n    period: day\n    usd: ten\n');
    const { state } = await run('bad-policy', { policyFile: policy });
    expect(state).toMatchObject({ kind: 'failed', reason: 'bad-policy' });
  });

  it('gives up on a proxy that crashes at every start with the reason it printed', async () => {
    mkdirSync(join(dir, 'not-sqlite'), { recursive: true });
    writeFileSync(join(dir, 'not-sqlite', 'tollgate.db'), 'this is not a database, just some text that is long enough');
    const { state, states } = await run('not-sqlite', {});
    expect(state).toMatchObject({ kind: 'failed', reason: 'crashed' });
    expect((state as { message: string }).message).toContain('is not a Tollgate database');
    // The status bar's tooltip while it retries says it too.
    expect(states.find((s) => s.kind === 'restarting')).toMatchObject({ reason: expect.stringContaining('is not a Tollgate database') });
  });
});

describe('FailureLines', () => {
  it('keeps the CLI failure line and its detail, skips log lines, falls back to an uncaught error', () => {
    const f = new FailureLines();
    for (const l of ['[tollgate] opening db', 'tollgate: invalid policy:', '  /w/.tollgate/policy.yaml:5:10: budgets.0.usd: expected number', '[tollgate] bye']) f.push(l);
    expect(f.text).toBe('invalid policy: /w/.tollgate/policy.yaml:5:10: budgets.0.usd: expected number');
    const crash = new FailureLines();
    for (const l of ['node:internal/modules/cjs/loader:1210', '  throw err;', "Error: Cannot find module '/x/cli.js'", '    at Module._resolveFilename', 'Node.js v20.20.2']) crash.push(l);
    expect(crash.text).toBe("Error: Cannot find module '/x/cli.js'");
    expect(new FailureLines().text).toBeUndefined();
  });
});
