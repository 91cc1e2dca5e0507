/**
 * A rebuild (packaging rebuilds with --production while the suite runs; a developer rebuilds while a
 * development host runs the proxy) never leaves dist/proxy without its CLI or its `"type": "module"`
 * package.json: the old build removed dist/proxy first, so a proxy started meanwhile was "missing"
 * (a fresh-clone run failed on it) or ran as CommonJS. Stale files still go, after the build.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const proxyDir = join(root, 'dist/proxy');

describe('scripts/build.mjs over an existing dist/', () => {
  it('keeps cli.js and package.json in place throughout, and removes what it no longer writes', async () => {
    if (!existsSync(join(proxyDir, 'cli.js'))) await runBuild(() => undefined);
    mkdirSync(join(proxyDir, 'stale-dir'), { recursive: true });
    writeFileSync(join(proxyDir, 'stale-dir', 'old-worker.js'), '// an earlier build wrote this');
    const seen = { polls: 0, cliMissing: 0, packageMissing: 0 };
    await runBuild(() => {
      seen.polls++;
      if (!existsSync(join(proxyDir, 'cli.js'))) seen.cliMissing++;
      if (!existsSync(join(proxyDir, 'package.json'))) seen.packageMissing++;
    });
    expect(seen.polls).toBeGreaterThan(10);
    expect(seen).toMatchObject({ cliMissing: 0, packageMissing: 0 });
    expect(existsSync(join(proxyDir, 'stale-dir'))).toBe(false);
    expect(existsSync(join(proxyDir, 'cli.js'))).toBe(true);
  }, 240_000);
});

/** Runs the build, calling `poll` on every timer turn until it exits. */
async function runBuild(poll: () => void): Promise<void> {
  const child = spawn(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'ignore' });
  let code: number | null | undefined;
  child.on('exit', (c) => (code = c));
  while (code === undefined) {
    poll();
    await new Promise((r) => setTimeout(r, 1));
  }
  expect(code).toBe(0);
}
