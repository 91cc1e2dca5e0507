/**
 * A path operand that is empty (`tollgate lint "$SRC"` with SRC unset in CI) is a usage error, as
 * an empty `--data-dir` is: `lint ''` linted no file and passed, `policy validate ''` reported the
 * working directory, and the others failed on a path nobody named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-empty-arg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an empty path operand', () => {
  it.each([
    [['lint', '']],
    [['lint', 'src', '']],
    [['policy', 'validate', '']],
    [['batch', 'submit', '']],
    [['model', 'import', '']],
  ])('%j is a usage error (exit 2) that says so', async (args) => {
    // A call lint would flag, were the working directory linted in place of the empty path.
    writeFileSync(join(dir, 'call.ts'), "import OpenAI from 'openai';\nnew OpenAI().chat.completions.create({ model: 'gpt-4o', messages: [] });\n");
    const r = await runCli(args, { cwd: dir, env: { HOME: dir } });
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^error: .*empty.*\(an unset variable\?\)/);
  }, 60_000);
});
