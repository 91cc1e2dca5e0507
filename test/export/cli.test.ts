/**
 * `tollgate policy …` run in a temporary project: export writes the files, `--check` passes on
 * fresh exports and fails (naming the files) on stale or missing ones, validate points at
 * file:line:col, init never overwrites.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { starterPolicy } from '../../proxy/src/cli/policy';
import { planExport } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { runPolicyCli } from '../support/policyCli';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, '..', 'fixtures', 'export', 'full-policy.yaml');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => runPolicyCli(dir, args);

function withPolicy(): void {
  mkdirSync(join(dir, '.tollgate'), { recursive: true });
  copyFileSync(FIXTURE, join(dir, '.tollgate', 'policy.yaml'));
}

describe('tollgate policy export', () => {
  it('writes each target to .tollgate/exports/<target>/ with the source path relative to the project', async () => {
    withPolicy();
    const r = await run('export', '--target', 'litellm', '--target', 'bifrost');
    expect(r.code).toBe(0);
    for (const f of ['litellm/config.yaml', 'litellm/management.json', 'litellm/apply.mjs', 'litellm/README.md', 'bifrost/config.json', 'bifrost/README.md'])
      expect(existsSync(join(dir, '.tollgate', 'exports', f))).toBe(true);
    expect(existsSync(join(dir, '.tollgate', 'exports', 'portkey'))).toBe(false);
    expect(readFileSync(join(dir, '.tollgate/exports/bifrost/README.md'), 'utf8')).toContain('from .tollgate/policy.yaml (sha256 ');
    expect(r.err.some((l) => l.startsWith('warning: bifrost: '))).toBe(true);
  });

  it('--check passes on fresh exports and fails, naming the files, once the policy changes', async () => {
    withPolicy();
    await run('export', '--target', 'portkey', '--out', 'gateways');
    const fresh = await run('export', '--target', 'portkey', '--out', 'gateways', '--check');
    expect(fresh.code).toBe(0);
    expect(fresh.out.join('\n')).toContain('up to date');

    const policyPath = join(dir, '.tollgate', 'policy.yaml');
    writeFileSync(policyPath, readFileSync(policyPath, 'utf8').replace('ttlSeconds: 3600', 'ttlSeconds: 7200'));
    const stale = await run('export', '--target', 'portkey', '--out', 'gateways', '--check');
    expect(stale.code).toBe(1);
    expect(stale.out).toContain('stale: gateways/portkey/config.json');
    expect(stale.out).toContain('stale: gateways/portkey/README.md');
    // --check never writes.
    expect(readFileSync(join(dir, 'gateways/portkey/config.json'), 'utf8')).toContain('"max_age": 3600');
  });

  it('--check reports a missing file', async () => {
    withPolicy();
    await run('export', '--target', 'litellm');
    rmSync(join(dir, '.tollgate/exports/litellm/management.json'));
    const r = await run('export', '--target', 'litellm', '--check');
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['missing: .tollgate/exports/litellm/management.json']);
  });

  it('an invalid policy fails with file:line:col and writes nothing', async () => {
    mkdirSync(join(dir, '.tollgate'), { recursive: true });
    writeFileSync(join(dir, '.tollgate/policy.yaml'), 'cache:\n  ttlSeconds: -5\n');
    const r = await run('export', '--target', 'bifrost');
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/^\.tollgate\/policy\.yaml:2:15: cache\.ttlSeconds: /m);
    expect(existsSync(join(dir, '.tollgate/exports'))).toBe(false);
  });

  it('rejects an unknown target', async () => {
    withPolicy();
    const r = await run('export', '--target', 'kong');
    expect(r.code).not.toBe(0);
    expect(r.err.join('')).toContain('unknown target "kong"');
  });
});

describe('planExport (for the VS Code command)', () => {
  it('returns per file the new content, the existing content and whether it changed', async () => {
    withPolicy();
    const policyFile = join(dir, '.tollgate/policy.yaml');
    const outDir = join(dir, 'out');
    const first = planExport({ policyFile, targets: ['portkey'], outDir, root: dir });
    if (!first.ok) throw new Error('plan failed');
    expect(first.files.map((f) => [f.path, f.changed, f.existing])).toEqual([
      [join(outDir, 'portkey/config.json'), true, undefined],
      [join(outDir, 'portkey/README.md'), true, undefined],
    ]);
    mkdirSync(join(outDir, 'portkey'), { recursive: true });
    for (const f of first.files) writeFileSync(f.path, f.content);
    writeFileSync(join(outDir, 'portkey/README.md'), 'hand edited\n');
    const second = planExport({ policyFile, targets: ['portkey'], outDir, root: dir });
    if (!second.ok) throw new Error('plan failed');
    expect(second.files.map((f) => f.changed)).toEqual([false, true]);
    expect(second.files[1]?.existing).toBe('hand edited\n');
    expect(second.warnings.every((w) => w.target === 'portkey')).toBe(true);
  });
});

describe('tollgate policy validate | schema | init', () => {
  it('validate prints problems as file:line:col and ok for a good file', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'budgets:\n  - name: x\n    period: fortnight\n    usd: 3\n');
    const bad = await run('validate', 'bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toMatch(/^bad\.yaml:3:13: budgets\.0\.period: /);
    copyFileSync(FIXTURE, join(dir, 'good.yaml'));
    const good = await run('validate', 'good.yaml');
    expect(good.code).toBe(0);
    // The fixture's rule "beta-header" routes to "anthropic/claude-sonnet-4-5" with no match.provider:
    // Tollgate sends that name, prefix included, to the request's provider; the exports to anthropic.
    expect(good.out).toEqual(['good.yaml: ok (1 warning(s))']);
    expect(good.err).toEqual([expect.stringMatching(/^warning: good\.yaml:61:7: routing\.rules\.3: rule "beta-header" names no match\.provider/)]);
  });

  it('schema prints the JSON Schema of the policy', async () => {
    const r = await run('schema');
    const schema = JSON.parse(r.out.join('\n')) as { title: string; properties: Record<string, unknown> };
    expect(schema.title).toBe('Tollgate policy');
    expect(Object.keys(schema.properties)).toContain('budgets');
  });

  it('init writes a valid commented starter with a schema line, and refuses to overwrite', async () => {
    const first = await run('init');
    expect(first.code).toBe(0);
    const path = join(dir, '.tollgate/policy.yaml');
    const written = readFileSync(path, 'utf8');
    expect(written.split('\n')[0]).toBe('# yaml-language-server: $schema=./policy.schema.json');
    expect(parsePolicy(written, 'policy.yaml').ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, '.tollgate/policy.schema.json'), 'utf8')).title).toBe('Tollgate policy');

    writeFileSync(path, 'version: 1\n# mine\n');
    const second = await run('init');
    expect(second.code).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('version: 1\n# mine\n');
    expect(starterPolicy()).toBe(written);
  });
});
