/**
 * apply.mjs beside a management.json an earlier Tollgate wrote (support/management-c42af3d.json is that
 * release's export of the policy below: no repository id). Today's script tells this repository's keys by
 * that id, so run on such a file it named every key without one, an admin's own included, as one to delete.
 * It now stops before any call and says to export again; the fresh export's pair leaves the admin's key alone.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { keyTable, runApply } from './support/liteLLMApply';

const here = dirname(fileURLToPath(import.meta.url));
const POLICY = 'budgets:\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n  - { name: ann, period: month, usd: 0, scope: { user: ann } }\ntags:\n  keys:\n    - { fingerprint: tg_aaaaaaaaaaaaaaa1, team: web }\n';

function exported(): Map<string, string> {
  const parsed = parsePolicy(POLICY, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return new Map(exportPolicy(parsed.policy, 'litellm', { file: '.tollgate/policy.yaml', text: POLICY, repository: 'r0123456789abcdef' }).files.map((f) => [f.path, f.content]));
}

describe('apply.mjs with an older management.json', () => {
  it('sends nothing, names no key to delete and says to export again', async () => {
    const { keys, handle } = keyTable();
    keys.push({ token: 'admin-token', key_alias: 'ops-dashboard', blocked: null, metadata: {} });
    const files = exported();
    files.set('management.json', readFileSync(join(here, 'support', 'management-c42af3d.json'), 'utf8'));
    const older = await runApply(files, handle);
    expect(older.code).toBe(2);
    expect(older.calls).toEqual([]);
    expect(older.stdout).not.toContain('ops-dashboard');
    expect(older.stderr).toContain('written by an earlier Tollgate');
    expect(older.stderr).toContain('tollgate policy export --target litellm');

    // The export made again runs, and the admin's key is still not its to name.
    const again = await runApply(exported(), handle);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('ops-dashboard');
  });
});
