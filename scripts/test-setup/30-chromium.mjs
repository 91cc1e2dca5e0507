#!/usr/bin/env node
/**
 * Test setup for the VS Code e2e: Debian's chromium (driven by playwright-core) and libkrb5-dev
 * (headers code-server's `kerberos` module builds against). Idempotent: skipped when both are present.
 * CI runs as root without stdin, so apt runs non-interactively; elsewhere we say what to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

function installed(pkg) {
  return spawnSync('dpkg', ['-s', pkg], { stdio: 'ignore' }).status === 0;
}

if (process.env.TOLLGATE_SKIP_E2E === '1') {
  console.log('30-chromium: TOLLGATE_SKIP_E2E=1, skipped');
  process.exit(0);
}
if (existsSync(CHROMIUM) && installed('libkrb5-dev') && installed('fonts-dejavu-core')) {
  console.log('30-chromium: chromium, fonts and libkrb5-dev present');
  process.exit(0);
}
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  console.error('30-chromium: install chromium (at /usr/bin/chromium) and libkrb5-dev yourself, or set TOLLGATE_SKIP_E2E=1');
  process.exit(1);
}
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  console.error('30-chromium: needs root for apt-get; run: sudo apt-get install -y chromium fonts-dejavu-core libkrb5-dev build-essential python3 pkg-config');
  process.exit(1);
}
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
function apt(args) {
  console.log(`30-chromium: apt-get ${args.join(' ')}`); // waits for another apt run to finish
  const r = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== 0) {
    console.error(`30-chromium: apt-get ${args[0]} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
apt(['-o', 'DPkg::Lock::Timeout=900', 'update', '-qq']);
apt(['-o', 'DPkg::Lock::Timeout=900', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core', 'libkrb5-dev', 'build-essential', 'python3', 'pkg-config']);
console.log('30-chromium: done');
