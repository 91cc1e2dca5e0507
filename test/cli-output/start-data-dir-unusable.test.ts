/**
 * `tollgate start` on a data directory it cannot use exits EXIT_CODES.dataDirUnusable, not the
 * generic failure: the extension's supervisor restarted a proxy exiting 1 five times (~15 s) before
 * saying why, though no restart can mend a file where the folder should be. Real paths: a file in
 * the folder's place and a path under a file fail even for root, which file modes do not stop.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { runCli } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-data-dir-unusable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start on an unusable data directory', () => {
  it('exits with its own code and one line naming the path', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const notDb = join(dir, 'not-a-db');
    mkdirSync(notDb);
    writeFileSync(join(notDb, 'tollgate.db'), 'plain text, not SQLite\n'.repeat(20));
    const cases: Array<[string, RegExp]> = [
      [file, /a-file already exists and is not a directory/],
      [join(file, 'data'), /a-file\/data: part of this path is a file, not a directory/],
      [notDb, /not-a-db\/tollgate\.db is not a Tollgate database/],
    ];
    const runs = await Promise.all(cases.map(([dataDir]) => runCli(['start', '--port', '0', '--data-dir', dataDir], { cwd: dir, env: { HOME: dir } })));
    for (const [i, r] of runs.entries()) {
      expect(r.code, r.stderr).toBe(EXIT_CODES.dataDirUnusable);
      expect(r.stderr.trim()).toMatch(/^tollgate: /);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stdout).not.toContain('listening');
    }
  }, 120_000);
});
