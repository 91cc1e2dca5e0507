/**
 * The same policy must export to the same bytes on every machine: `policy export --check` in CI
 * compares against files a developer generated elsewhere. Provider lists were sorted with
 * `localeCompare`, which follows the process locale: under LANG=da_DK "aa" sorts as "å" (after
 * "z"), and capitals sort among lower-case letters in en_US but before them in code-point order, so
 * a Danish CI and a US laptop wrote model lists, virtual-key provider configs and Portkey targets in
 * different orders. Checked by exporting in child processes under different locales.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = join(dirname(fileURLToPath(import.meta.url)), 'support', 'exportDigest.ts');

const policy = `providers:
  aardvark: { baseUrl: "https://aa.example.com/v1", models: ["aa-*"] }
  zeta: { baseUrl: "https://zeta.example.com/v1", models: ["zeta-*"] }
  Beta: { baseUrl: "https://beta.example.com/v1", models: ["beta-*"] }
  ollama: { baseUrl: "http://localhost:11434/v1", models: ["llama3*"] }
routing:
  tiers:
    aardvark: { small: aa-mini }
    zeta: { small: zeta-mini }
  rules:
    - name: hdr
      match: { header: { X-Zone: eu, x-aa-team: core, X-Beta: "1" } }
      model: zeta/zeta-large
budgets:
  - { name: cap, scope: { team: core }, period: day, usd: 5 }
`;

function exportUnder(locale: string): { locale: string; files: Record<string, string> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { input: policy, encoding: 'utf8', env: { ...process.env, LANG: locale, LC_ALL: locale }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { locale: string; files: Record<string, string> };
}

describe('exports do not depend on the machine locale', () => {
  it('en_US and da_DK give identical files', () => {
    const [us, dk] = ['en_US.UTF-8', 'da_DK.UTF-8'].map(exportUnder);
    // The child processes really ran under different collations (else the test proves nothing).
    expect(dk?.locale).toBe('da-DK');
    expect(us?.locale).toBe('en-US');
    expect(Object.keys(us?.files ?? {}).length).toBeGreaterThan(5);
    expect(dk?.files).toEqual(us?.files);
  }, 120_000);
});
