/**
 * An unknown option is a usage error (exit 2) that names the flag the user most likely meant.
 * commander suggests one only a small typo away; a shortened flag (`--max-sev`, which getopt and
 * argparse accept as a prefix) or a format's name as a flag (`--json` where the command takes
 * `--format json`) got no hint at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { runCli } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-unknown-option-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an unknown option', () => {
  it('that starts exactly one of the command’s flags names that flag', async () => {
    const r = await runCli(['lint', '--max-sev', 'error'], { cwd: dir });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: unknown option '--max-sev'\n(Did you mean --max-severity?)");
  });

  it('that is a value of one of the command’s options names that option with it', async () => {
    const r = await runCli(['report', '--json', '--data-dir', join(dir, 'data')], { cwd: dir });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain("error: unknown option '--json'\n(Did you mean --format json?)");
  });

  it('a small typo keeps commander’s own hint, once', async () => {
    const r = await runCli(['start', '--prot', '5'], { cwd: dir });
    expect(r.code).toBe(EXIT_CODES.usage);
    expect(r.stderr.match(/Did you mean/g)).toEqual(['Did you mean']);
    expect(r.stderr).toContain('(Did you mean --port?)');
  });
});
