/**
 * `tollgate lint` (text) in CI prints file names and quoted source from the repository it checks
 * (a clone, a pull request). A file named with an escape sequence or a newline must not recolour or
 * clear the log, nor forge a finding line that scripts grep for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-lint-esc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// POSIX file systems allow any byte but `/` and NUL in a name; Windows allows no control characters.
describe.skipIf(process.platform === 'win32')('lint text output with hostile file names', () => {
  it('escapes control characters and keeps one line per finding', async () => {
    const name = 'x\u001b[2J\u001b]0;owned\u0007\nfake.ts:1:1  error  forged.ts';
    writeFileSync(
      join(dir, name),
      "import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const run = (q: string) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n",
    );
    const r = await runCli(['lint', '.'], { cwd: dir, env: { HOME: dir } });
    expect(r.stderr).toBe('');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character but the line feeds may be printed
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const lines = r.stdout.trimEnd().split('\n');
    // One finding line and the summary: the newline in the name did not forge a second finding.
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('x\\u001b[2J\\u001b]0;owned\\u0007\\u000afake.ts:1:1  error  forged.ts:');
    expect(lines[0]).toContain('missing-output-limit');
  }, 60_000);
});
