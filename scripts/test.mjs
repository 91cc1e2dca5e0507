#!/usr/bin/env node
/**
 * `npm test`: installs what the tests need (each scripts/test-setup/*.mjs, idempotent and cached
 * under .cache/), builds, runs the vitest suite, then the browser and VS Code end-to-end tests.
 * Exit code is non-zero when anything fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const skipSetup = args.includes('--no-setup');

function run(cmd, argv, label) {
  const t0 = Date.now();
  console.log(`\n▶ ${label}`);
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✖ ${label} failed (exit ${r.status ?? r.signal}) after ${secs}s`);
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${label} (${secs}s)`);
}

if (!skipSetup) {
  const setupDir = join(root, 'scripts/test-setup');
  for (const f of readdirSync(setupDir).filter((f) => f.endsWith('.mjs')).sort()) {
    run(process.execPath, [join(setupDir, f)], `setup: ${f}`);
  }
}
run(process.execPath, [join(root, 'scripts/build.mjs')], 'build');
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], 'typecheck');
run(process.execPath, [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'check'], 'lint and format check (biome)');
run(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run'], 'unit and integration tests (vitest)');
const e2eDir = join(root, 'test/e2e');
if (existsSync(e2eDir)) {
  const e2e = readdirSync(e2eDir).filter((f) => f.endsWith('.e2e.mjs') || f.endsWith('.e2e.ts')).sort();
  for (const f of e2e) run(process.execPath, ['--import', 'tsx', '--test', join(e2eDir, f)], `e2e: ${f}`);
}
console.log('\nall tests passed');
