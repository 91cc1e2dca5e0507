/**
 * A policy file from a cloned repository is parsed at start, by `policy validate`, by the
 * extension's diagnostics and on every hot reload. The YAML library does superlinear work on some
 * shapes that no policy has: 600 bytes of nested complex keys (`? ? ? … x`) took 10 s (800 bytes:
 * over a minute, 1.6 KB: never finished), 400 KB of `[` 4 s (1 MB: 18 s and 1 GB), 60 KB of stacked
 * anchors 6 s, 100 aliases of one 20 000-item list (47 KB) 21 s and 1.5 GB, a 1 MB list over 10 s,
 * all of it blocking the proxy's event loop. And a file with 100 000 wrong entries
 * put 100 000 problems into /healthz (15 MB), the log and the dashboard's live events.
 * Now such shapes are refused before the expensive step and a report lists at most 50 problems.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Scalar } from 'yaml';
import { MAX_POLICY_PROBLEMS, parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';
import { PolicyError, PolicyStore } from '../../proxy/src/policy/store';
import { startProxy } from '../../proxy/src/server/start';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policyFile(name: string, yaml: string): string {
  mkdirSync(join(dir, name), { recursive: true });
  const file = join(dir, name, 'policy.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** Opens the file as the proxy does at start; returns the problems. */
function openProblems(file: string): PolicyProblem[] {
  try {
    PolicyStore.open(file, { env: {} });
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    return err.problems;
  }
  throw new Error('the hostile policy was accepted');
}

describe('hostile YAML shapes are refused quickly', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['nested complex keys', `${'? '.repeat(300)}x\n`, /mapping key must be a plain value/],
    ['complex keys inside a policy section', `tags:\n  mapping:\n    ${'? '.repeat(300)}x\n`, /mapping key must be a plain value/],
    ['deeply nested flow collections', '['.repeat(200_000), /nested more than 64 deep/],
    ['nested flow mappings', '{a: '.repeat(100_000), /nested more than 64 deep/],
    ['stacked anchors on one value', `server: ${'&a '.repeat(20_000)}x\n`, /more than one anchor/],
    ['stacked tags on one value', `server: ${'!t '.repeat(20_000)}x\n`, /more than one anchor \(&\) or tag/],
    // 100 providers sharing one 5 000-item model list: 500 000 values to validate (12 KB of YAML).
    [
      'one big list aliased 100 times',
      `providers:\n  p0: { kind: openai, baseUrl: "http://127.0.0.1:1/v1", models: &m [${Array(5_000).fill('1').join(',')}] }\n${Array.from({ length: 99 }, (_, i) => `  p${i + 1}: { kind: openai, baseUrl: "http://127.0.0.1:1/v1", models: *m }`).join('\n')}\n`,
      /more than 100000 values once its aliases/,
    ],
    ['a 1 MB list', `tags:\n  required: [${Array(500_000).fill('a').join(',')}]\n`, /more than 50000 YAML tokens/],
  ];
  it.each(cases)('%s', (name, yaml, message) => {
    // Refused by the bound, before the expensive step (the old parse took seconds to minutes, or ran
    // out of memory): the message names the bound. No wall-clock limit here: machines are noisy.
    const problems = openProblems(policyFile(name.replace(/\W+/g, '-'), yaml));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(message);
  });

  it('a mapping with thousands of keys is checked for repeats in linear time, and repeats are still refused', () => {
    // A flow mapping of bare keys (`{k0, k1, …}`): the most keys the token limit lets through.
    const policyWith = (n: number) => `budgets: []\nx: {${Array.from({ length: n }, (_, i) => `k${i}`).join(',')}}\n`;
    // Work, not time: every comparison of two keys reads both keys' values, so the reads of YAML
    // scalars' values are counted while the policy is parsed.
    const keyReads = (text: string) => {
      const values = new WeakMap<object, unknown>();
      let reads = 0;
      Object.defineProperty(Scalar.prototype, 'value', {
        configurable: true,
        get(this: object) {
          reads++;
          return values.get(this);
        },
        set(this: object, v: unknown) {
          values.set(this, v);
        },
      });
      try {
        const r = parsePolicy(text, 'p.yaml');
        expect(r.ok ? [] : r.problems.map((p) => p.message)).toEqual(['Unrecognized key: "x"']);
      } finally {
        delete (Scalar.prototype as { value?: unknown }).value;
      }
      return reads;
    };
    // Sixteen times the keys: linear checking reads about sixteen times as many values; yaml's own
    // uniqueKeys (each key against every earlier one) reads over a hundred times as many.
    const small = keyReads(policyWith(1_000));
    const large = keyReads(policyWith(16_000));
    expect(small).toBeGreaterThan(1_000);
    expect(large / small, `${small} reads at 1,000 keys, ${large} at 16,000`).toBeLessThan(32);
    const dup = parsePolicy('server:\n  port: 1\n  "port": 2\ntags: {}\nserver: {}\n', 'p.yaml');
    expect(dup.ok ? [] : dup.problems.map((p) => [p.line, p.path, p.message])).toEqual([
      [3, 'server.port', expect.stringMatching(/^"port" is given twice in the same mapping \(first on line 2\)/)],
      [5, 'server', expect.stringMatching(/^"server" is given twice in the same mapping \(first on line 1\)/)],
    ]);
  });

  it('points at the place in the file', () => {
    const r = parsePolicy(`server:\n  port: 4242\nrouting: ${'['.repeat(100)}`, 'p.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ file: 'p.yaml', line: 3, column: 10 + 64 });
  });

  it('ordinary anchors, aliases, tags and brackets in text still load', () => {
    const yaml = [
      'server: !!map',
      '  port: 4242',
      '  allowedOrigins: ["http://localhost:5173"] # [[[ {{{ not structure',
      'providers:',
      '  local: &local { kind: openai, baseUrl: "http://127.0.0.1:11434/v1", models: ["llama[0-9]*"] }',
      '  other: { kind: openai, baseUrl: "http://127.0.0.1:8080/v1", headers: &h { x-team: "[core]" } }',
      'tags:',
      '  required: &req [team]',
      '',
    ].join('\n');
    const r = parsePolicy(yaml);
    expect(r.ok ? 'ok' : r.problems).toBe('ok');
    if (r.ok) expect(r.policy.providers.other?.headers).toEqual({ 'x-team': '[core]' });
  });
});

describe('a policy with very many problems', () => {
  const manyBudgets = `budgets:\n${Array.from({ length: 5_000 }, () => '  - 1').join('\n')}\n`;

  it('reports the first 50 and counts the rest', () => {
    const r = parsePolicy(manyBudgets, 'p.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(MAX_POLICY_PROBLEMS + 1);
    expect(r.problems[0]).toMatchObject({ path: 'budgets.0', line: 2 });
    expect(r.problems.at(-1)!.message).toBe(`…and ${5_000 - MAX_POLICY_PROBLEMS} more problems`);
  });

  it('caps YAML syntax errors the same way', () => {
    const r = parsePolicy(Array.from({ length: 5_000 }, (_, i) => `k${i}: a: b`).join('\n'), 'p.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.length).toBeLessThanOrEqual(MAX_POLICY_PROBLEMS + 1);
  });

  it('a hot reload to it keeps /healthz small and logs a bounded number of lines', async () => {
    const file = policyFile('reload', 'server:\n  port: 4141\n');
    const warnings: string[] = [];
    const p = await startProxy({ port: 0, dataDir: join(dir, 'data-reload'), policyFile: file, env: {}, watchPolicy: false, log: { info() {}, warn: (l) => warnings.push(l), error() {} } });
    try {
      writeFileSync(file, manyBudgets);
      expect(p.services.policy.reload()).toBe(false);
      const text = await (await fetch(`${p.url}/healthz`)).text();
      const health = JSON.parse(text) as { policy: { problems: PolicyProblem[] } };
      expect(health.policy.problems).toHaveLength(MAX_POLICY_PROBLEMS + 1);
      expect(text.length).toBeLessThan(20_000);
      expect(warnings.length).toBeLessThanOrEqual(MAX_POLICY_PROBLEMS + 1);
    } finally {
      await p.close();
    }
  });
});
