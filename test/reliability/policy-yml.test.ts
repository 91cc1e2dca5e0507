/**
 * `.tollgate/policy.yml` is a workspace policy for the CLI too. The extension took either name, but
 * `tollgate start` ran on built-in defaults beside a `policy.yml` (silently: no budgets, no routing
 * rules) and `tollgate policy validate` said `.tollgate/policy.yaml: policy file not found`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnProxy } from './support';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-yml-'));
  mkdirSync(join(dir, '.tollgate'));
  writeFileSync(join(dir, '.tollgate', 'policy.yml'), 'budgets:\n  - { name: from-yml, scope: { team: "*" }, period: day, usd: 5 }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a workspace policy named policy.yml', () => {
  it('is validated by `policy validate` without arguments', async () => {
    const r = await runCli(['policy', 'validate'], { cwd: dir });
    expect(r.stderr).not.toMatch(/not found/);
    expect(r.code).toBe(0);
  });

  it('is loaded by `tollgate start` without --policy', async () => {
    const proxy = await spawnProxy({ dataDir: join(dir, 'data'), cwd: dir });
    try {
      expect(proxy.output().stdout).toContain(join(dir, '.tollgate', 'policy.yml'));
      const res = await fetch(`${proxy.url}/tollgate/budgets`, { headers: { authorization: 'Bearer admin-token-for-tests' } });
      expect(JSON.stringify(await res.json())).toContain('from-yml');
    } finally {
      await proxy.stop();
    }
  });
});
