/**
 * planExport's own reading (what the extension's export command gets, and the CLI for the files
 * already exported): a cloned repository can make the policy or an existing export a symbolic link
 * to a secret, a device or nothing. Those are refused with a message naming the path, never read,
 * never shown in a diff and never overwritten; links that stay in the workspace are followed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_EXPORT_FILE_BYTES, planExport, type ExportPlan } from '../../proxy/src/export';
import { MAX_POLICY_BYTES } from '../../proxy/src/policy/store';
import { runPolicyCli } from '../support/policyCli';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, '..', 'fixtures', 'export', 'full-policy.yaml');
const SECRET = 'BEGIN OPENSSH PRIVATE KEY do-not-show';

let root: string;
let outside: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tollgate-plan-ws-'));
  outside = mkdtempSync(join(tmpdir(), 'tollgate-plan-home-'));
  mkdirSync(join(root, '.tollgate', 'exports', 'litellm'), { recursive: true });
  copyFileSync(FIXTURE, join(root, '.tollgate', 'policy.yaml'));
  writeFileSync(join(outside, 'id_ed25519'), SECRET);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const policyFile = (): string => join(root, '.tollgate', 'policy.yaml');
const output = (): string => join(root, '.tollgate', 'exports', 'litellm', 'config.yaml');
const plan = (): ExportPlan => planExport({ policyFile: policyFile(), targets: ['litellm'], outDir: join(root, '.tollgate', 'exports'), root });

function refused(p: ExportPlan): string {
  expect(p.ok).toBe(false);
  const text = p.ok ? '' : p.problems.map((x) => `${x.file}: ${x.message}`).join('\n');
  expect(text).not.toContain(SECRET);
  return text;
}

describe('planExport reads existing exports safely', () => {
  it('refuses an export that is a symbolic link out of the workspace, without reading it', () => {
    symlinkSync(join(outside, 'id_ed25519'), output());
    const text = refused(plan());
    expect(text).toContain('.tollgate/exports/litellm/config.yaml');
    expect(text).toContain('outside the workspace');
  });

  it('refuses an export folder that is a link out of the workspace (the files would be written there)', () => {
    rmSync(join(root, '.tollgate', 'exports', 'litellm'), { recursive: true });
    symlinkSync(outside, join(root, '.tollgate', 'exports', 'litellm'));
    expect(refused(plan())).toContain('outside the workspace');
  });

  it('refuses a link to a device', () => {
    symlinkSync('/dev/zero', output());
    expect(refused(plan())).toContain('outside the workspace');
  });

  it('refuses a dangling link, saying where it points', () => {
    symlinkSync(join(outside, 'gone.yaml'), output());
    expect(refused(plan())).toMatch(/symbolic link to .*gone\.yaml, which does not exist/);
  });

  it('refuses an export path that is a folder, not a file', () => {
    mkdirSync(output());
    expect(refused(plan())).toContain('not a regular file');
  });

  it('refuses an existing export bigger than any export, without reading it', () => {
    writeFileSync(output(), 'x');
    truncateSync(output(), MAX_EXPORT_FILE_BYTES + 1);
    expect(refused(plan())).toContain(`limit is ${MAX_EXPORT_FILE_BYTES}`);
  });

  it('writes to an output folder chosen outside the workspace, and holds links there to it', () => {
    const chosen = join(outside, 'gateways');
    const p = planExport({ policyFile: policyFile(), targets: ['litellm'], outDir: chosen, root });
    expect(p.ok).toBe(true);
    mkdirSync(join(chosen, 'litellm'), { recursive: true });
    symlinkSync(join(outside, 'id_ed25519'), join(chosen, 'litellm', 'config.yaml'));
    expect(refused(planExport({ policyFile: policyFile(), targets: ['litellm'], outDir: chosen, root }))).toContain('outside the workspace');
  });

  it('follows a link that stays in the workspace', () => {
    writeFileSync(join(root, 'kept.yaml'), 'old');
    symlinkSync(join(root, 'kept.yaml'), output());
    const p = plan();
    expect(p.ok).toBe(true);
    expect(p.ok && p.files.find((f) => f.path === output())?.existing).toBe('old');
  });
});

describe('planExport reads the policy as the proxy does', () => {
  it('says a dangling policy link is one, not "not found"', () => {
    rmSync(policyFile());
    symlinkSync(join(outside, 'shared', 'policy.yaml'), policyFile());
    expect(refused(plan())).toMatch(/symbolic link to .*shared\/policy\.yaml, which does not exist/);
  });

  it('refuses a policy link to a file that is not YAML (a key, a device)', () => {
    rmSync(policyFile());
    symlinkSync(join(outside, 'id_ed25519'), policyFile());
    expect(refused(plan())).toContain('not a .yaml/.yml file');
  });

  it('refuses a policy bigger than the limit', () => {
    truncateSync(policyFile(), MAX_POLICY_BYTES + 1);
    expect(refused(plan())).toContain(`limit is ${MAX_POLICY_BYTES}`);
  });

  it('still says "not found" when there is no policy', () => {
    rmSync(policyFile());
    expect(refused(plan())).toContain('policy file not found');
  });
});

describe('tollgate policy export', () => {
  it('neither reads nor overwrites an export linked out of the project', async () => {
    symlinkSync(join(outside, 'id_ed25519'), output());
    const r = await runPolicyCli(root, ['export', '--target', 'litellm']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain('outside the workspace');
    expect(readFileSync(join(outside, 'id_ed25519'), 'utf8')).toBe(SECRET);
    const check = await runPolicyCli(root, ['export', '--target', 'litellm', '--check']);
    expect(check.code).toBe(1);
    expect([...check.out, ...check.err].join('\n')).not.toContain(SECRET);
  });
});
