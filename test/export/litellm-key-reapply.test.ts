/**
 * `apply.mjs` is run again whenever the policy changes, and a key's budget or limit changes with it.
 * LiteLLM refuses a second key with an alias in use ("Key with alias '…' already exists. Unique key
 * aliases across all keys are required.", `_enforce_unique_key_alias` in
 * `litellm/proxy/management_endpoints/key_management_endpoints.py`), and `/key/update` names the key
 * by its token (`UpdateKeyRequest.key`, hashed unless it starts with `sk-`); `/key/list` filters by
 * `key_alias` (newer versions by case-insensitive substring) and with `return_full_object=true` returns
 * each key with its hashed `token` and `key_alias`, `total_pages` per `size`. The stand-in below keeps
 * a key table with those semantics; the real `apply.mjs` runs against it twice.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { type ApplyAnswer, type ApplyCall, keyTable, type Row, runApply } from './support/liteLLMApply';

/** Exported as from one repository's policy unless another is named: its keys carry that repository's id. */
function files(text: string, repository = 'repo-a'): Map<string, string> {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return new Map(exportPolicy(r.policy, 'litellm', { file: 'policy.yaml', text, repository }).files.map((f) => [f.path, f.content]));
}

const FP = 'tg_0123456789abcdef';
const policy = (keyUsd: number, webRpm: number): string => `budgets:
  - { name: ci, period: month, usd: ${keyUsd}, scope: { key: ${FP} } }
  - { name: web, period: day, usd: 5, scope: { team: web } }
  - { name: web2, period: day, usd: 5, scope: { team: web2 } }
  - { name: frozen, period: day, usd: 0, scope: { key: tg_fedcba9876543210 } }
rateLimits:
  - { name: web-rpm, rpm: ${webRpm}, scope: { team: web } }
`;

/** Runs apply.mjs with LITELLM_KEYS_FILE in a fresh folder; returns what the file held (empty when none was written). */
async function applyKeepingKeys(text: string, handle: (c: ApplyCall) => ApplyAnswer, repository?: string): Promise<{ code: number | null; stdout: string; kept: string; mode?: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-keys-'));
  const file = join(dir, 'new-keys.txt');
  try {
    const { code, stdout } = await runApply(files(text, repository), handle, { LITELLM_KEYS_FILE: file });
    const kept = (() => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    })();
    return { code, stdout, kept, mode: kept ? statSync(file).mode & 0o777 : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('re-applying the LiteLLM export updates the keys it generated', () => {
  it('each new key is kept for its owner in a file only this user can read, and never printed', async () => {
    const secrets = new Map<string, string>();
    const { handle } = keyTable();
    const first = await applyKeepingKeys(policy(5, 60), (c) => {
      const answer = handle(c);
      if (c.path === '/key/generate' && typeof answer !== 'number' && answer.status === 200) secrets.set(c.body.key_alias as string, (answer.json as { key: string }).key);
      return answer;
    });
    expect(first.code).toBe(0);
    expect(secrets.size).toBe(4);
    expect(first.kept.trim().split('\n').sort()).toEqual([...secrets].map(([alias, value]) => `${alias} ${value}`).sort());
    if (process.platform !== 'win32') expect(first.mode).toBe(0o600);
    for (const value of secrets.values()) expect(first.stdout).not.toContain(value);
    expect(first.stdout).toContain('4 new key(s) written to');
    // Applied again, nothing is generated, so no file is written.
    const again = await applyKeepingKeys(policy(10, 60), handle);
    expect(again.code).toBe(0);
    expect(again.kept).toBe('');
  });

  it('without LITELLM_KEYS_FILE the keys go to a new folder only this user can open, not to a guessable name in the shared temporary folder', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'tollgate-shared-tmp-'));
    try {
      const { code, stdout } = await runApply(files(policy(5, 60)), keyTable().handle, { TMPDIR: shared, LITELLM_KEYS_FILE: '' });
      expect(code).toBe(0);
      const file = /written to (\S+) /.exec(stdout)?.[1] ?? '';
      expect(dirname(dirname(file))).toBe(shared);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4);
      if (process.platform !== 'win32') expect([statSync(dirname(file)).mode & 0o777, statSync(file).mode & 0o777]).toEqual([0o700, 0o600]);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('a changed key budget and a team key are updated in place, by exact alias, and a frozen key stays blocked', async () => {
    const { keys, handle } = keyTable();
    const first = await applyKeepingKeys(policy(5, 60), handle);
    expect(first.code).toBe(0);
    expect(keys.map((k) => k.key_alias).sort()).toEqual([`tollgate-${FP}`, 'tollgate-team-web', 'tollgate-team-web2', 'tollgate-tg_fedcba9876543210'].sort());

    // An admin notes who owns the key; /key/update replaces metadata when a body carries any.
    const ci = keys.find((k) => k.key_alias === `tollgate-${FP}`) as Row;
    ci.metadata = { ...(ci.metadata as object), owner: 'ops' };
    const again = await runApply(files(policy(10, 120)), handle);
    expect(again.stdout).not.toContain('FAIL');
    expect(again.code).toBe(0);
    // Still one key per alias, and the changed budget is on the key the first run made.
    expect(keys).toHaveLength(4);
    expect(ci).toMatchObject({ max_budget: 10, budget_duration: '1mo', metadata: { owner: 'ops', tollgate_fingerprint: FP } });
    // "tollgate-team-web" is also a substring of "tollgate-team-web2": the update went to the exact alias.
    const updated = again.calls.filter((c) => c.path === '/key/update');
    expect(updated.map((c) => keys.find((k) => k.token === c.body.key)?.key_alias).sort()).toEqual(updated.map((c) => c.body.key_alias).sort());
    expect(keys.find((k) => k.key_alias === 'tollgate-tg_fedcba9876543210')).toMatchObject({ blocked: true });
    expect(again.calls.every((c) => c.auth === 'Bearer sk-master-test')).toBe(true);
  });

  it('a key the export froze is unblocked once the policy raises its budget, a key an admin blocked is not', async () => {
    const { keys, handle } = keyTable();
    const frozen = (usd: number): string => `budgets:
  - { name: ci, period: month, usd: ${usd}, scope: { key: ${FP} } }
  - { name: ana, period: day, usd: ${usd}, scope: { user: ana } }
  - { name: web, period: day, usd: 5, scope: { team: web } }
`;
    expect((await applyKeepingKeys(frozen(0), handle)).code).toBe(0);
    const row = (alias: string): Row => keys.find((k) => k.key_alias === alias) as Row;
    expect(row(`tollgate-${FP}`)).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
    expect(row('tollgate-user-ana')).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
    // The admin blocks team web's key by hand (/key/block sets blocked alone).
    row('tollgate-team-web').blocked = true;

    const again = await runApply(files(frozen(7)), handle);
    expect(again.code).toBe(0);
    expect(row(`tollgate-${FP}`)).toMatchObject({ blocked: false, max_budget: 7, metadata: { tollgate_frozen: false, tollgate_fingerprint: FP } });
    expect(row('tollgate-user-ana')).toMatchObject({ blocked: false, metadata: { tollgate_frozen: false } });
    expect(row('tollgate-team-web').blocked).toBe(true);

    // Frozen again by the policy: blocked and marked again.
    expect((await runApply(files(frozen(0)), handle)).code).toBe(0);
    expect(row(`tollgate-${FP}`)).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
  });

  it('a frozen key past the first 10,000 of /key/list is still found and unblocked', async () => {
    const { keys, handle } = keyTable();
    const frozen = (usd: number): string => `budgets:\n  - { name: ci, period: month, usd: ${usd}, scope: { key: ${FP} } }\n`;
    expect((await applyKeepingKeys(frozen(0), handle)).code).toBe(0);
    // 10,000 newer keys of other owners: /key/list (newest first, 100 a page) shows the frozen key on page 101.
    keys.unshift(...Array.from({ length: 10_000 }, (_, i) => ({ key_alias: `other-${i}`, token: `t${i}`, blocked: null })));
    expect((await runApply(files(frozen(7)), handle)).code).toBe(0);
    expect(keys.find((k) => k.key_alias === `tollgate-${FP}`)).toMatchObject({ blocked: false, max_budget: 7 });
  });

  it("a key the export froze stays blocked when another repository's export, or this policy without it, is applied", async () => {
    const { keys, handle } = keyTable();
    const withCi = `budgets:\n  - { name: ci, period: month, usd: 0, scope: { key: ${FP} } }\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n`;
    expect((await applyKeepingKeys(withCi, handle)).code).toBe(0);
    const row = (alias: string): Row => keys.find((k) => k.key_alias === alias) as Row;
    expect(row(`tollgate-${FP}`)).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
    // Another repository's policy, applied to the same LiteLLM, names neither the key nor team web.
    const other = await applyKeepingKeys('budgets:\n  - { name: data, period: day, usd: 9, scope: { team: data } }\n', handle, 'repo-b');
    expect(other.code).toBe(0);
    expect(row(`tollgate-${FP}`)).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
    // This policy without the key: left blocked, and the run names it as this repository's key to delete.
    const again = await runApply(files('budgets:\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n'), handle);
    expect(again.code).toBe(0);
    expect(row(`tollgate-${FP}`).blocked).toBe(true);
    expect(again.stdout).toMatch(new RegExp(`WARN key tollgate-${FP} .*is blocked: delete it \\(/key/delete\\)`));
  });

  it('a generated team key the export no longer makes is named with what to do, not left live unseen', async () => {
    const { keys, handle } = keyTable();
    const web = 'budgets:\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n';
    expect((await applyKeepingKeys(web, handle)).code).toBe(0);
    expect(keys.map((k) => k.key_alias)).toEqual(['tollgate-team-web']);
    // The team gets a policy key of its own: the export makes tollgate-<fingerprint> for it instead.
    const own = await applyKeepingKeys(`${web}tags:\n  keys:\n    - { fingerprint: ${FP}, team: web }\n`, handle);
    expect(own.code).toBe(0);
    expect(keys.map((k) => k.key_alias).sort()).toEqual(['tollgate-team-web', `tollgate-${FP}`]);
    expect(own.stdout).toMatch(/WARN key tollgate-team-web .*\/key\/delete/);
    expect(own.stdout).not.toMatch(/WARN key tollgate-tg_/);
    // Another repository's export has no business with this one's keys.
    const other = await runApply(files('budgets:\n  - { name: data, period: day, usd: 9, scope: { team: data } }\n', 'repo-b'), handle);
    expect(other.stdout).not.toContain('tollgate-team-web');
  });

  it('an alias /key/list does not return is reported as a failure, not hidden', async () => {
    const { handle } = keyTable();
    await applyKeepingKeys(policy(5, 60), handle);
    const lost = await runApply(files(policy(10, 60)), (c) => (c.path === '/key/list' ? { status: 200, json: { keys: [], total_count: 0, current_page: 1, total_pages: 0 } } : handle(c)));
    expect(lost.code).toBe(1);
    expect(lost.stdout).toContain(`FAIL /key/generate tollgate-${FP} (400)`);
  });
});
