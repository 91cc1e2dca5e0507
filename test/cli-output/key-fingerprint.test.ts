/**
 * `tollgate policy key-fingerprint`: a key budget names a key by its salted `tg_` fingerprint, and no
 * command printed one, so a user holding the key could not write the budget. Real calls with real
 * keys go through the real proxy and OpenAI SDK; the fingerprint the CLI prints for each key (piped
 * in, or named by variable) must be the one its ledger rows carry, be taken by a policy, and the
 * key must appear nowhere in what the CLI prints.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { parsePolicy } from '../../proxy/src/policy/load';
import { startHarness } from '../support/harness';
import { runCli } from './cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-key-fp-'));
const keys = [`sk-proj-${randomBytes(24).toString('base64url')}`, `sk-proj-${randomBytes(24).toString('base64url')}`];
/** Fingerprint → calls, as the ledger recorded them. */
let recorded: Map<string, number>;

beforeAll(async () => {
  const h = await startHarness({}, { dataDir });
  try {
    let n = 0;
    for (const [i, apiKey] of keys.entries())
      for (let k = 0; k <= i; k++)
        await new OpenAI({ baseURL: h.openaiBaseUrl, apiKey, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 8, messages: [{ role: 'user', content: `question ${++n}` }] });
  } finally {
    await h.close();
  }
  const db = openDatabase(join(dataDir, 'tollgate.db'), { readonly: true, vector: false });
  recorded = new Map((db.prepare('SELECT key_fingerprint AS fp, COUNT(*) AS n FROM calls GROUP BY 1').all() as Array<{ fp: string; n: number }>).map((r) => [r.fp, r.n]));
  db.close();
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('tollgate policy key-fingerprint', () => {
  it('prints the fingerprint the ledger records for a piped key (echo\'s newline included) and one from a variable', async () => {
    expect(recorded.size).toBe(2);
    const runs = await Promise.all([
      runCli(['policy', 'key-fingerprint', '--data-dir', dataDir], { cwd: dataDir, env: { HOME: dataDir }, input: `${keys[0]}\n` }),
      runCli(['policy', 'key-fingerprint', '--env', 'MY_KEY'], { cwd: dataDir, env: { HOME: dataDir, TOLLGATE_DATA_DIR: dataDir, MY_KEY: keys[1] }, input: '' }),
    ]);
    for (const [i, r] of runs.entries()) {
      expect(r.code, r.stderr).toBe(0);
      const fp = r.stdout.trim();
      expect(recorded.get(fp)).toBe(i + 1);
      expect(r.stderr).toContain(`${i + 1} call${i === 0 ? '' : 's'} with this key`);
      expect(r.stdout + r.stderr).not.toContain(keys[i]);
      // What it printed is what a key budget takes.
      expect(parsePolicy(`budgets:\n  - name: k\n    period: day\n    usd: 1\n    scope: { key: ${fp} }\n`).ok).toBe(true);
    }
  }, 60_000);

  it('a key this data directory never saw: printed, and said to have no calls here', async () => {
    const r = await runCli(['policy', 'key-fingerprint', '--data-dir', dataDir], { cwd: dataDir, env: { HOME: dataDir }, input: 'sk-proj-never-used-here' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^tg_[0-9a-f]{16}$/);
    expect(recorded.has(r.stdout.trim())).toBe(false);
    expect(r.stderr).toMatch(/no call with this key in .*--data-dir/);
  }, 60_000);

  it('no key given: a usage error, nothing on stdout', async () => {
    const runs = await Promise.all([
      runCli(['policy', 'key-fingerprint', '--data-dir', dataDir], { cwd: dataDir, env: { HOME: dataDir }, input: ' \n' }),
      runCli(['policy', 'key-fingerprint', '--data-dir', dataDir, '--env', 'UNSET_KEY'], { cwd: dataDir, env: { HOME: dataDir } }),
    ]);
    expect(runs.map((r) => [r.code, r.stdout])).toEqual([
      [2, ''],
      [2, ''],
    ]);
    expect(runs[0]!.stderr).toMatch(/no key on stdin/);
    expect(runs[1]!.stderr).toMatch(/UNSET_KEY is unset or empty/);
  }, 60_000);
});
