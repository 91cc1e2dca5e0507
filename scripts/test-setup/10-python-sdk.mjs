#!/usr/bin/env node
/**
 * Installs the official Python `openai` package into a project-local virtualenv (.cache/pyenv)
 * so the tests can drive the proxy with the Python SDK. Idempotent; skipped when present.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const venv = join(root, '.cache', 'pyenv');
const py = join(venv, 'bin', 'python');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`python-sdk setup: ${cmd} ${args.join(' ')} failed (exit ${r.status}); the Python SDK test will be reported as failed.`);
    process.exit(r.status ?? 1);
  }
}

if (existsSync(py) && spawnSync(py, ['-c', 'import openai'], { stdio: 'ignore' }).status === 0) {
  console.log('python-sdk: openai already installed in .cache/pyenv');
  process.exit(0);
}
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
if (python.status !== 0) {
  console.error('python-sdk: python3 is not installed; install it (e.g. apt-get install -y python3 python3-venv).');
  process.exit(1);
}
run('python3', ['-m', 'venv', venv]);
// --retries 0: where the public index is unreachable pip falls through to the configured mirror at once.
run(py, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--retries', '0', '--timeout', '15', 'openai>=1.40,<3']);
console.log('python-sdk: installed openai into .cache/pyenv');
