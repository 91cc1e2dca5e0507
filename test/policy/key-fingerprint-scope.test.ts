/**
 * A budget's `scope.key` and `tags.keys[].fingerprint` name a key by the fingerprint the proxy computes
 * (pipeline/identity.ts). A value no fingerprint can be — a typo with a space, a truncated one, one in
 * capitals, a glob with `[…]` — was accepted (only the `tg_` prefix was checked), so the budget never
 * held any call. Here real fingerprints, computed from real keys and salts, are accepted and matched,
 * and the near misses are refused at their line with the form to write.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import OpenAI from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { scopeMatches } from '../../proxy/src/governance/scope';
import { keyFingerprint } from '../../proxy/src/pipeline/identity';
import { parsePolicy, type PolicyProblem } from '../../proxy/src/policy/load';
import type { CallPage } from '../../contract/api';
import { startHarness } from '../support/harness';

const keyBudget = (key: string) => `budgets:\n  - name: ci\n    period: day\n    usd: 5\n    scope: { key: "${key}" }\n`;

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'p.yaml');
  if (r.ok) throw new Error('expected the policy to be refused');
  return r.problems;
}

/** Fingerprints as the proxy makes them: a random salt per data directory, keys as providers issue them. */
const fingerprints = fc
  .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.stringMatching(/^sk-(proj-)?[A-Za-z0-9_-]{20,60}$/))
  .map(([salt, key]) => keyFingerprint(Buffer.from(salt).toString('hex'), key));

describe('a key scope names the fingerprint the proxy computes', () => {
  it('a real key\'s fingerprint, or a glob of it, is accepted and holds that key\'s calls', () => {
    fc.assert(
      fc.property(fingerprints, fc.array(fc.tuple(fc.nat(18), fc.nat(18), fc.boolean()), { minLength: 1, maxLength: 3 }), (fp, edits) => {
        // A glob of the fingerprint: runs (possibly empty) made `*`, characters (not a `*`) made `?`.
        let glob = fp;
        for (const [a, b, star] of edits) {
          const [from, to] = [Math.min(a, b, glob.length), Math.min(Math.max(a, b), glob.length)];
          if (star) glob = `${glob.slice(0, from)}*${glob.slice(to)}`;
          else if (from < glob.length && glob[from] !== '*') glob = `${glob.slice(0, from)}?${glob.slice(from + 1)}`;
        }
        expect(scopeMatches({ key: glob }, { keyFingerprint: fp })).toBe(true);
        for (const key of [fp, glob]) {
          const r = parsePolicy(keyBudget(key), 'p.yaml');
          if (!r.ok) throw new Error(`${key}: ${r.problems[0]?.message}`);
          expect(scopeMatches(r.policy.budgets[0]!.scope, { keyFingerprint: fp })).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
    // Calls without any key are attributed to tg_anonymous: a scope and a tag mapping may name it.
    expect(parsePolicy(`${keyBudget(keyFingerprint('s', undefined))}tags:\n  keys:\n    - { fingerprint: tg_anonymous, team: local }\n`).ok).toBe(true);
  });

  const salt = randomBytes(16).toString('hex');
  const real = keyFingerprint(salt, `sk-proj-${randomBytes(24).toString('base64url')}`);
  // [what was written, a value derived from a real fingerprint, what the message must say]
  const misses: Array<[string, string, RegExp]> = [
    ['a space typed into it', `${real.slice(0, 8)} ${real.slice(9)}`, /^not a key fingerprint \(tg_ and 16 lowercase hex digits: `tollgate policy key-fingerprint` prints a key's\), so it never matches/],
    ['one digit short', real.slice(0, -1), /^not a key fingerprint/],
    ['one digit too many', `${real}0`, /^not a key fingerprint/],
    ['a bare tg_', 'tg_', /^not a key fingerprint/],
    ['a request id (x-tollgate-request-id)', 'tg_m1x2y3z4a1b2c3d4_1', /^not a key fingerprint/],
    ['in capitals', `tg_${real.slice(3).toUpperCase()}`, /^key fingerprints are lowercase .*write it in lowercase$/],
    ['a glob in capitals', 'TG_*', /^key fingerprints are lowercase/],
    ['a glob with a character class (only * and ? are globs)', 'tg_[0-9a-f]*', /^this glob matches no key fingerprint/],
    ['a glob one character too long', `${real}?`, /^this glob matches no key fingerprint/],
    ['a glob of an API key', 'sk-proj-*', /^this glob matches no key fingerprint/],
  ];
  for (const [written, value, message] of misses)
    it(`${written}: refused at its line, never repeating the value`, () => {
      const list = problems(keyBudget(value));
      expect(list).toEqual([expect.objectContaining({ path: 'budgets.0.scope.key', line: 5 })]);
      expect(list[0]!.message).toMatch(message);
      if (value.length > 3) expect(list[0]!.message).not.toContain(value);
      // It would indeed never hold the key's calls.
      expect(scopeMatches({ key: value }, { keyFingerprint: real })).toBe(false);
    });

  it('a tag mapping refuses the same values (it compares the fingerprint exactly)', () => {
    const list = problems(`tags:\n  keys:\n    - { fingerprint: "${real.slice(0, 13)}", team: a }\n    - { fingerprint: "${real.toUpperCase()}", team: b }\n    - { fingerprint: "${real}", team: c }\n`);
    expect(list.map((p) => [p.path, p.line, p.message.split(' (')[0]])).toEqual([
      ['tags.keys.0.fingerprint', 3, 'not a key fingerprint'],
      ['tags.keys.1.fingerprint', 4, 'key fingerprints are lowercase'],
    ]);
  });
});

it('the fingerprint GET /tollgate/calls lists for a key is one a budget takes, and the budget holds that key', async () => {
  const key = `sk-proj-${randomBytes(24).toString('base64url')}`;
  // A new question each time: a cached answer costs nothing and is served whatever the budget.
  let n = 0;
  const ask = (h: { openaiBaseUrl: string }, apiKey: string) =>
    new OpenAI({ baseURL: h.openaiBaseUrl, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 8, messages: [{ role: 'user', content: `question ${++n}` }] });
  const first = await startHarness({});
  let fp: string;
  try {
    await ask(first, key);
    const res = await fetch(`${first.proxy.url}/tollgate/calls?limit=1`, { headers: { authorization: `Bearer ${first.proxy.adminToken}` } });
    fp = ((await res.json()) as CallPage).calls[0]!.keyFingerprint;
  } finally {
    await first.proxy.close();
    await first.upstream.close();
  }
  // The same data directory (its salt): a $0 budget for that fingerprint freezes the key, only it.
  const r = parsePolicy(keyBudget(fp).replace('usd: 5', 'usd: 0'), 'p.yaml');
  if (!r.ok) throw new Error(r.problems[0]?.message);
  const second = await startHarness(r.policy, { dataDir: first.dataDir });
  try {
    await expect(ask(second, key)).rejects.toMatchObject({ status: 429 });
    await expect(ask(second, `sk-proj-${randomBytes(24).toString('base64url')}`)).resolves.toBeDefined();
  } finally {
    await second.close();
    rmSync(first.dataDir, { recursive: true, force: true });
  }
});

describe('a key scope glob from a cloned repository', () => {
  // Validated on every hot reload, on the proxy's thread: a 900 000-star glob took 12 s there.
  it('costs the same whatever the length of its runs of `*`, with the same verdict', () => {
    const policy = (key: string) => `budgets:\n  - name: k\n    period: day\n    usd: 1\n    scope: { key: "${key}" }\n`;
    const work = (key: string) => {
      const spy = vi.spyOn(Array, 'from');
      try {
        const r = parsePolicy(policy(key));
        return { ok: r.ok, arrays: spy.mock.calls.length };
      } finally {
        spy.mockRestore();
      }
    };
    for (const [short, long] of [['*x', `${'*'.repeat(900_000)}x`], ['tg_*0', `tg_${'*'.repeat(900_000)}0`]]) expect(work(long!)).toEqual(work(short!));
  });
});
