/**
 * planExport asks git for the workspace's origin only where management.json writes or compares it: a
 * LiteLLM export's first id, or an id recorded with its origin. Portkey and Bifrost write no id, and an
 * id written before origins were recorded is not checked, so those exports spawn no git at all.
 * Spawns are counted by a `git` on PATH that logs each call and runs the real one.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planExport, type ExportTarget } from '../../proxy/src/export';

let root: string;
let shim: string;
const path = process.env.PATH;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tollgate-git-origin-'));
  shim = mkdtempSync(join(tmpdir(), 'tollgate-git-shim-'));
  const git = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "$*" >> "${join(shim, 'calls')}"\nexec "${git}" "$@"\n`);
  chmodSync(join(shim, 'git'), 0o755);
  execFileSync(git, ['init', '-q'], { cwd: root });
  execFileSync(git, ['remote', 'add', 'origin', 'git@github.com:acme/platform.git'], { cwd: root });
  mkdirSync(join(root, '.tollgate'));
  writeFileSync(join(root, '.tollgate', 'policy.yaml'), 'budgets:\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n');
  process.env.PATH = `${shim}${delimiter}${path}`;
});
afterEach(() => {
  process.env.PATH = path;
  rmSync(root, { recursive: true, force: true });
  rmSync(shim, { recursive: true, force: true });
});

/** Plans an export and returns the git calls it made and its management.json, if any. */
function exported(targets: ExportTarget[]): { calls: string[]; management?: { repository: string; origin?: string } } {
  writeFileSync(join(shim, 'calls'), '');
  const plan = planExport({ policyFile: join(root, '.tollgate', 'policy.yaml'), targets, outDir: join(root, '.tollgate', 'exports'), root });
  if (!plan.ok) throw new Error(JSON.stringify(plan.problems));
  const management = plan.files.find((f) => f.path.endsWith('management.json'));
  return { calls: readFileSync(join(shim, 'calls'), 'utf8').split('\n').filter(Boolean), management: management && JSON.parse(management.content) };
}

const writeManagement = (content: object): void => {
  mkdirSync(join(root, '.tollgate', 'exports', 'litellm'), { recursive: true });
  writeFileSync(join(root, '.tollgate', 'exports', 'litellm', 'management.json'), JSON.stringify(content));
};

describe.skipIf(process.platform === 'win32')('git origin lookups of planExport', () => {
  it('spawns no git for Portkey and Bifrost, which write no repository id', () => {
    expect(exported(['portkey', 'bifrost']).calls).toEqual([]);
  });

  it("spawns no git for a management.json written before origins were recorded, and keeps its id", () => {
    writeManagement({ repository: 'older0123456789', requests: [] });
    const { calls, management } = exported(['litellm', 'portkey', 'bifrost']);
    expect(calls).toEqual([]);
    expect(management).toMatchObject({ repository: 'older0123456789' });
    expect(management?.origin).toBeUndefined();
  });

  it('asks once for a first LiteLLM export, which records the origin, and once to compare a recorded one', () => {
    const first = exported(['litellm', 'portkey', 'bifrost']);
    expect(first.calls).toEqual(['remote get-url origin']);
    expect(first.management?.origin).toBe('github.com/acme/platform');
    writeManagement({ repository: first.management?.repository, origin: 'github.com/someone/else', requests: [] });
    // The comparison and the warning naming both origins read one answer.
    expect(exported(['litellm']).calls).toEqual(['remote get-url origin']);
  });
});
