/**
 * `tollgate policy validate` on hand-written policies: the `--policy` flag every other command takes,
 * and warnings (exit 0, the policy loads as written) for a rule that never applies and for model
 * names the public API does not know.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPolicyCli } from '../../support/policyCli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-written-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => runPolicyCli(dir, args, {});

function policy(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('policy validate', () => {
  it('takes --policy <file> like start and export', async () => {
    const ok = policy('good.yaml', 'budgets:\n  - { name: a, period: month, usd: 5 }\n');
    expect(await run('validate', '--policy', ok)).toMatchObject({ code: 0, out: ['good.yaml: ok'] });
    const bad = policy('bad.yaml', 'budgets:\n  - { name: a, period: monthly, usd: 5 }\n');
    const r = await run('validate', '--policy', bad);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/^bad\.yaml:2:24: budgets\.0\.period: .*did you mean "month"/);
  });

  it('without a file, names a policy kept under a name Tollgate does not read', async () => {
    policy('tollgate.policy.yml', 'budgets:\n  - { name: a, period: month, usd: 5 }\n');
    const r = await run('validate');
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/policy file not found; found tollgate\.policy\.yml, .*--policy tollgate\.policy\.yml/);
  });

  it('says when a file with everything commented out leaves only the defaults', async () => {
    const file = policy('commented.yaml', '# budgets:\n#   - { name: a, period: month, usd: 5 }\n');
    const r = await run('validate', file);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['commented.yaml: ok (no settings: the built-in defaults apply, with no budgets, rate limits or routing)']);
    expect((await run('validate', policy('set.yaml', '# budgets\nbudgets: []\n'))).out).toEqual(['set.yaml: ok']);
  });

  it('refuses two different files', async () => {
    const a = policy('a.yaml', '{}\n');
    const b = policy('b.yaml', '{}\n');
    const r = await run('validate', a, '--policy', b);
    // A usage error, as every subcommand's (EXIT_CODES.usage).
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
  });

  it('warns about a routing rule an earlier rule always matches first, at its line', async () => {
    const file = policy(
      'rules.yaml',
      [
        'routing:',
        '  tiers: { openai: { small: gpt-4o-mini, large: gpt-4o } }',
        '  rules:',
        '    - { name: everything, tier: small }',
        '    - { name: code, match: { feature: code }, tier: large }',
        '    - { name: cache-only, match: { feature: docs }, semanticThreshold: 0.9 }',
        '',
      ].join('\n'),
    );
    const r = await run('validate', file);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([expect.stringMatching(/^warning: rules\.yaml:5:\d+: routing\.rules\.1\.name: rule "code" never applies: rule "everything"/)]);
    expect(r.out).toEqual(['rules.yaml: ok (1 warning(s))']);
  });

  it('a narrower earlier rule does not hide a broader later one', async () => {
    const file = policy(
      'narrow.yaml',
      [
        'routing:',
        '  rules:',
        '    - { name: code-big, match: { feature: code, minInputTokens: 1000 }, tier: large }',
        '    - { name: code, match: { feature: code }, tier: medium }',
        '    - { name: code-head, match: { feature: code, header: { X-Team: a } }, tier: large }',
        '    - { name: team-a, match: { header: { x-team: a } }, tier: large }',
        '',
      ].join('\n'),
    );
    const r = await run('validate', file);
    // Only code-head: "code" matches every request it matches (header names are case-insensitive).
    expect(r.err).toEqual([expect.stringMatching(/narrow\.yaml:5:\d+: routing\.rules\.2\.name: rule "code-head" never applies: rule "code"/)]);
  });

  it('warns about model names the public APIs do not know, with the likely name', async () => {
    const file = policy(
      'models.yaml',
      [
        'routing:',
        '  tiers:',
        '    openai: { small: gpt4o-mini, large: gpt-4o }',
        '    anthropic: { large: claude-3.5-sonnet }',
        'fallbacks:',
        '  - { from: gpt-4o, to: [openai/gpt-4o-mnii] }',
        '',
      ].join('\n'),
    );
    const r = await run('validate', file);
    expect(r.code).toBe(0);
    const lines = r.err.join('\n');
    expect(lines).toMatch(/models\.yaml:3:\d+: routing\.tiers\.openai\.small: "gpt4o-mini" .*did you mean "gpt-4o-mini"/);
    expect(lines).toMatch(/models\.yaml:4:\d+: routing\.tiers\.anthropic\.large: .*did you mean "claude-3-5-sonnet"/);
    expect(lines).toMatch(/models\.yaml:6:\d+: fallbacks\.0\.to\.0: "gpt-4o-mnii" .*did you mean "gpt-4o-mini"/);
    expect(r.err).toHaveLength(3);
  });

  it('does not judge model names of a server at another URL (a local server names its own models)', async () => {
    const file = policy('local.yaml', 'providers:\n  openai: { baseUrl: "http://127.0.0.1:11434/v1" }\nrouting:\n  tiers:\n    openai: { small: "llama3.1:8b" }\n');
    expect(await run('validate', file)).toMatchObject({ code: 0, err: [], out: ['local.yaml: ok'] });
  });

  it('a key given twice names the key, its path and where it was first given', async () => {
    const file = policy('twice.yaml', ['version: 1', 'budgets:', '  - name: a', '    period: month', '    usd: 5', '    usd: 50', ''].join('\n'));
    const r = await run('validate', file);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^twice\.yaml:6:5: budgets\.0\.usd: "usd" is given twice in the same mapping \(first on line 5\)/)]);
  });
});
