/**
 * Two repositories can name one LiteLLM team, each with keys of its own, and apply their exports to the
 * same LiteLLM. `apply.mjs` names a `tollgate-` key this export no longer makes as one to delete: only
 * keys this repository's export made (its id in the key's metadata), never the other repository's.
 * Each export is planned and written as `tollgate policy export` does, so the id it keeps across
 * policy edits is the one read back from the management.json already on disk.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { starterPolicy } from '../../proxy/src/cli/policy';
import { planExport } from '../../proxy/src/export';
import { keyTable, runApply } from './support/liteLLMApply';

let dirs: string[] = [];
beforeEach(() => {
  dirs = [];
});
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'tollgate-shared-team-'));
  dirs.push(root);
  mkdirSync(join(root, '.tollgate'));
  return root;
}

/** Writes the policy, exports it into the repository (keeping what is there, as the CLI does) and returns the LiteLLM files; its warnings go to `warned`. */
function exported(root: string, policy: string, warned: Array<{ field: string; message: string }> = []): Map<string, string> {
  writeFileSync(join(root, '.tollgate', 'policy.yaml'), policy);
  const plan = planExport({ policyFile: join(root, '.tollgate', 'policy.yaml'), targets: ['litellm'], outDir: join(root, '.tollgate', 'exports'), root });
  if (!plan.ok) throw new Error(JSON.stringify(plan.problems));
  warned.push(...plan.warnings);
  for (const f of plan.files) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content);
  }
  const out = join(root, '.tollgate', 'exports', 'litellm');
  return new Map(readdirSync(out).map((name) => [basename(name), readFileSync(join(out, name), 'utf8')]));
}

const A1 = 'tg_aaaaaaaaaaaaaaa1';
const A2 = 'tg_aaaaaaaaaaaaaaa2';
const B = 'tg_bbbbbbbbbbbbbbbb';
const team = (name: string, key: string, usd: number, keyUsd?: number): string => `budgets:
  - { name: ${name}, period: day, usd: ${usd}, scope: { team: ${name} } }
${keyUsd === undefined ? '' : `  - { name: ${name}-key, period: day, usd: ${keyUsd}, scope: { key: ${key} } }\n`}tags:
  keys:
    - { fingerprint: ${key}, team: ${name} }
`;
const web = (key: string, usd: number): string => team('web', key, usd);

describe("apply.mjs on a team two repositories share", () => {
  it("leaves the other repository's keys alone and still names this repository's own old key", async () => {
    const { keys, handle } = keyTable();
    const a = repository();
    const b = repository();
    expect((await runApply(exported(a, web(A1, 5)), handle)).code).toBe(0);
    expect((await runApply(exported(b, web(B, 9)), handle)).code).toBe(0);
    expect(keys.map((k) => k.key_alias).sort()).toEqual([`tollgate-${A1}`, `tollgate-${B}`]);

    // Applied again, each names no key of the other as one to delete.
    const again = await runApply(exported(a, web(A1, 6)), handle);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('WARN');
    expect((await runApply(exported(b, web(B, 9)), handle)).stdout).not.toContain('WARN');

    // Repository a replaces its key: its old one is named, b's still is not.
    const replaced = await runApply(exported(a, web(A2, 6)), handle);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toMatch(new RegExp(`WARN key tollgate-${A1} .*/key/delete`));
    expect(replaced.stdout).not.toContain(`tollgate-${B}`);
  });

  it('two repositories that first exported the same starter policy do not share an id, so neither names the other\'s keys', async () => {
    const { handle } = keyTable();
    const a = repository();
    const b = repository();
    // `tollgate policy init` writes the same text everywhere; both export it before writing their own policy.
    exported(a, starterPolicy());
    exported(b, starterPolicy());
    expect((await runApply(exported(a, web(A1, 5)), handle)).code).toBe(0);
    expect((await runApply(exported(b, team('data', B, 9)), handle)).code).toBe(0);
    const again = await runApply(exported(a, web(A1, 5)), handle);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain(`tollgate-${B}`);
    expect((await runApply(exported(b, team('data', B, 9)), handle)).stdout).not.toContain(`tollgate-${A1}`);
  });

  it("another repository's frozen key is not mentioned; this repository's frozen key it dropped is named to delete, not to unblock", async () => {
    const { keys, handle } = keyTable();
    const a = repository();
    const b = repository();
    expect((await runApply(exported(a, team('web', A1, 5, 0)), handle)).code).toBe(0);
    expect(keys.find((k) => k.key_alias === `tollgate-${A1}`)).toMatchObject({ blocked: true });
    const other = await runApply(exported(b, team('data', B, 9)), handle);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toContain(`tollgate-${A1}`);
    // Repository a gives team web another key: its frozen old one is never to be unblocked, only deleted.
    const dropped = await runApply(exported(a, web(A2, 5)), handle);
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toMatch(new RegExp(`WARN key tollgate-${A1} .*is blocked: delete it \\(/key/delete\\)`));
    expect(dropped.stdout).not.toContain('/key/unblock');
    expect(keys.find((k) => k.key_alias === `tollgate-${A1}`)).toMatchObject({ blocked: true });
  });

  it("a fork's or copy's export folder keeps the id it was copied with, and the export says so where the git origin differs", () => {
    /** A git repository whose `origin` is `url`, holding `from`'s export folder when given (a fork, a template, a copy). */
    const clone = (url: string, from?: string): string => {
      const root = repository();
      execFileSync('git', ['init', '-q'], { cwd: root });
      execFileSync('git', ['remote', 'add', 'origin', url], { cwd: root });
      if (from) cpSync(join(from, '.tollgate', 'exports'), join(root, '.tollgate', 'exports'), { recursive: true });
      return root;
    };
    const management = (files: Map<string, string>): { repository: string; origin?: string } => JSON.parse(files.get('management.json') ?? '{}');
    const a = clone('git@github.com:acme/platform.git');
    const warned: Array<{ field: string; message: string }> = [];
    const first = management(exported(a, web(A1, 5), warned));
    expect(first.origin).toBe('github.com/acme/platform');
    // The same repository cloned over HTTPS is the same origin: no warning, the same id.
    const same = clone('https://github.com/acme/platform', a);
    expect(management(exported(same, web(A1, 5), warned)).repository).toBe(first.repository);
    expect(warned.filter((w) => w.field === 'repository')).toEqual([]);
    // A fork keeps the copied id (nothing moves under the original) and is told how to get its own.
    const fork = clone('https://github.com/alice/platform.git', a);
    expect(management(exported(fork, web(A1, 5), warned))).toMatchObject(first);
    const said = warned.filter((w) => w.field === 'repository').map((w) => w.message);
    expect(said).toEqual([expect.stringContaining('github.com/acme/platform')]);
    expect(said[0]).toContain('github.com/alice/platform');
    expect(said[0]).toContain('remove "repository" and "origin"');
  });
});
