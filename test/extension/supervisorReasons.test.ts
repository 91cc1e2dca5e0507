/**
 * Failure messages say why the proxy stopped, in the CLI's own words, against the real CLI
 * (dist/proxy/cli.js): a malformed TOLLGATE_CACHE_KEY (exit 4, like a bad policy) is not blamed on
 * a policy file the workspace does not have, and a data directory the proxy cannot use (one
 * holding a file that is not SQLite) is said at once with the CLI's reason, not retried.
 * A refused policy says what the CLI found and where (it said only "has errors", also for a
 * policy that is a link to a file that is not there).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FailureLines, policyReason } from '../../extension/src/proxy/failureLines';
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
    // What is wrong, where: the notification and the status bar tooltip say it, not only "has errors".
    const message = (state as { message: string }).message;
    expect(message).toContain(policy);
    expect(message).toContain('line 5, column 10: budgets.0.usd: expected a number, got the text "ten"');
  });

  it('a policy that is a link to a missing file says so, not that the file has errors', async () => {
    mkdirSync(join(dir, 'linked', '.tollgate'), { recursive: true });
    const policy = join(dir, 'linked', '.tollgate', 'policy.yaml');
    const target = join(dir, 'shared-config', 'policy.yaml');
    symlinkSync(target, policy);
    const { state } = await run('dangling-policy', { policyFile: policy });
    expect(state).toMatchObject({ kind: 'failed', reason: 'bad-policy' });
    const message = (state as { message: string }).message;
    expect(message).toContain(`symbolic link to ${target}, which does not exist`);
    expect(message).not.toContain('has errors');
  });

  it('a data directory the proxy cannot use is said at the first exit, not after restarts', async () => {
    mkdirSync(join(dir, 'not-sqlite'), { recursive: true });
    writeFileSync(join(dir, 'not-sqlite', 'tollgate.db'), 'this is not a database, just some text that is long enough');
    const { state, states } = await run('not-sqlite', {});
    expect(state).toMatchObject({ kind: 'failed', reason: 'bad-config' });
    expect((state as { message: string }).message).toContain('is not a Tollgate database');
    // No restart can mend the file: none is tried (they took ~15 s before the reason was shown).
    expect(states.filter((s) => s.kind === 'restarting')).toEqual([]);
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

  it('policyReason: each problem at its line and column, without the file name the message already gives', () => {
    const file = '/w/.tollgate/policy.yaml';
    const said = `invalid policy: ${file}:5:10: budgets.0.usd: expected a number ${file}:9:3: routing.rules.0.tier: unknown tier "huge"`;
    expect(policyReason(said, file)).toBe('line 5, column 10: budgets.0.usd: expected a number; line 9, column 3: routing.rules.0.tier: unknown tier "huge"');
    expect(policyReason(`invalid policy: ${file}:1:1: cannot resolve the policy path`, file)).toBe('cannot resolve the policy path');
    // Nothing about this file (an older CLI, another reason): the caller keeps its own sentence.
    expect(policyReason('invalid policy', file)).toBeUndefined();
    expect(policyReason(undefined, file)).toBeUndefined();
  });
});
