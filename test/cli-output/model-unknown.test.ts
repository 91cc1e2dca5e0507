/**
 * `tollgate model … --model <id>` with an id Tollgate has no pinned checksum for is a usage error
 * (exit 2, as every bad flag value), said as commander says one, and touches nothing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { runCli } from './cli';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-model-unknown-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('model download --model <unknown> exits 2 with the known ids, creating no data directory', async () => {
  const data = join(dir, 'data');
  const r = await runCli(['model', 'download', '--model', 'foo', '--data-dir', data, '--remote-host', 'http://127.0.0.1:9/'], { cwd: dir });
  expect(r.code).toBe(EXIT_CODES.usage);
  expect(r.stderr).toMatch(/^error: --model: no pinned checksum for model "foo".*\(known: Xenova\/all-MiniLM-L6-v2/);
  expect(existsSync(data)).toBe(false);
});
