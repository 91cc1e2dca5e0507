/**
 * Where the supervised proxy runs: the CLI falls back to `./.tollgate/policy.yaml` of its working
 * directory when no --policy is given. The extension host's working directory is wherever VS Code
 * was launched from (`code .` in a repository), so a window in Restricted Mode — or one whose
 * folders have no policy — must not pick up that directory's policy behind the user's back.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProxySupervisor } from '../../extension/src/proxy/supervisor';
import { freePort } from '../support/freePort';

const realCli = join(__dirname, '../../dist/proxy/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-supervisor-cwd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('ProxySupervisor working directory', () => {
  it('starts the proxy without a policy when none is given, whatever the launch directory holds', async () => {
    // The directory VS Code was launched from: an (untrusted) repository with its own policy.
    const repo = join(dir, 'cloned repo');
    mkdirSync(join(repo, '.tollgate'), { recursive: true });
    writeFileSync(join(repo, '.tollgate', 'policy.yaml'), 'version: 1\nbudgets:\n  - name: from-the-launch-dir\n    period: day\n    usd: 1\n');
    const logs: string[] = [];
    const sup = new ProxySupervisor({ log: (l) => logs.push(l), startTimeoutMs: 60_000 });
    const before = process.cwd();
    process.chdir(repo);
    try {
      const port = await freePort();
      const adminToken = 'cwd-test-admin-token';
      const state = await sup.start({ nodePath: process.execPath, cliPath: realCli, port, dataDir: join(dir, 'data'), env: { TOLLGATE_ADMIN_TOKEN: adminToken } });
      expect(state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false });
      const budgets = (await (await fetch(`http://127.0.0.1:${port}/tollgate/budgets`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as Array<{ name: string }>;
      expect(budgets.map((b) => b.name)).not.toContain('from-the-launch-dir');
      expect(logs.join('\n')).toContain('(built-in defaults)');
    } finally {
      process.chdir(before);
      await sup.stop();
    }
  });
});
