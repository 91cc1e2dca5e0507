/**
 * `tollgate.nodePath` as users on Windows and macOS write it: quoted by Explorer's "Copy as path",
 * `~/…` for an nvm install, an install folder instead of the executable, an npm `.cmd` shim, a
 * broken version-manager shim — and what they are told.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodePathFromSetting, resolveNodeRuntime } from '../../extension/src/proxy/nodeRuntime';

const HOST = { execPath: '/never/used', version: 'v99.0.0' };
let home: string;
let nvmNode: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'tollgate home '));
  // ~/.nvm/versions/node/v22.11.0/bin/node, here a link to this test's own node.
  const bin = join(home, '.nvm', 'versions', 'node', 'v22.11.0', 'bin');
  mkdirSync(bin, { recursive: true });
  nvmNode = join(bin, 'node');
  symlinkSync(process.execPath, nvmNode);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const posixHere = () => ({ platform: 'linux' as const, home });

describe('tollgate.nodePath as written by hand', () => {
  it('runs a path pasted with the quotes Windows Explorer adds (or single quotes)', async () => {
    for (const value of [`"${nvmNode}"`, ` '${nvmNode}' `]) {
      const r = await resolveNodeRuntime(value, HOST, posixHere());
      expect(r).toEqual({ ok: true, runtime: { path: nvmNode, version: process.version, source: 'setting', env: {} } });
    }
  });

  it('expands a leading ~ to the home folder (nvm on macOS: ~/.nvm/versions/node/…)', async () => {
    const r = await resolveNodeRuntime('~/.nvm/versions/node/v22.11.0/bin/node', HOST, posixHere());
    expect(r.ok && r.runtime.path).toBe(nvmNode);
    expect(nodePathFromSetting('~\\AppData\\Roaming\\nvm\\v22.11.0\\node.exe', { platform: 'win32', home: 'C:\\Users\\Zoë' })).toBe(
      'C:\\Users\\Zoë\\AppData\\Roaming\\nvm\\v22.11.0\\node.exe',
    );
    // Not a home reference: left as written.
    expect(nodePathFromSetting('~other/node', posixHere())).toBe('~other/node');
  });

  it('expands the variables users write in paths: %LOCALAPPDATA% on Windows, $HOME and ${userHome} elsewhere', async () => {
    const win = { platform: 'win32' as const, home: 'C:\\Users\\Zoë', env: { LocalAppData: 'C:\\Users\\Zoë\\AppData\\Local', Path: 'C:\\Windows' } };
    expect(nodePathFromSetting('%LOCALAPPDATA%\\Volta\\bin\\node.exe', win)).toBe('C:\\Users\\Zoë\\AppData\\Local\\Volta\\bin\\node.exe');
    expect(nodePathFromSetting('%NOT_SET%\\node.exe', win)).toBe('%NOT_SET%\\node.exe');
    const mac = { platform: 'darwin' as const, home, env: { HOME: home, NVM_DIR: join(home, '.nvm') } };
    for (const value of ['$HOME/.nvm/versions/node/v22.11.0/bin/node', '${NVM_DIR}/versions/node/v22.11.0/bin/node', '${userHome}/.nvm/versions/node/v22.11.0/bin/node', '${env:HOME}/.nvm/versions/node/v22.11.0/bin/node']) {
      const r = await resolveNodeRuntime(value, HOST, mac);
      expect(r.ok && r.runtime.path).toBe(nvmNode);
    }
  });

  it('takes an install folder as the node inside it (or in its bin)', async () => {
    const install = join(home, '.nvm', 'versions', 'node', 'v22.11.0');
    for (const value of [install, join(install, 'bin')]) {
      const r = await resolveNodeRuntime(value, HOST, posixHere());
      expect(r.ok && r.runtime.path).toBe(nvmNode);
    }
  });

  it('says an npm .cmd shim on Windows cannot run the proxy, and to use node.exe', async () => {
    const r = await resolveNodeRuntime('C:\\Users\\Zoë\\AppData\\Roaming\\npm\\node.cmd', HOST, { platform: 'win32', home: 'C:\\Users\\Zoë' });
    expect(!r.ok && r.message).toMatch(/node\.cmd\) is a script shim.*node\.exe/);
  });

  it('says why a broken shim did not run (what it printed), or that the file is missing', async () => {
    const shim = join(home, 'volta-node');
    writeFileSync(shim, '#!/bin/sh\necho "Volta error: Node is not available. To run any Node command, first set a default version using \\`volta install node\\`" >&2\nexit 126\n');
    chmodSync(shim, 0o755);
    const r = await resolveNodeRuntime(shim, HOST, posixHere());
    expect(!r.ok && r.message).toContain(`could not run "tollgate.nodePath" (${shim}): it said: Volta error: Node is not available.`);
    const missing = await resolveNodeRuntime(join(home, 'nope', 'node'), HOST, posixHere());
    expect(!missing.ok && missing.message).toMatch(/nope\/node\): no such file\. Clear "tollgate\.nodePath"/);
    // A bare name VS Code's PATH lacks (Homebrew's /opt/homebrew/bin when VS Code was opened from the Dock).
    const bare = await resolveNodeRuntime('tollgate-test-absent-node', HOST, { platform: 'darwin', home });
    expect(!bare.ok && bare.message).toContain('(tollgate-test-absent-node): not found on the PATH VS Code was started with; give its full path (`which tollgate-test-absent-node`');
    const notExecutable = join(home, 'node-no-x');
    writeFileSync(notExecutable, '');
    const denied = await resolveNodeRuntime(notExecutable, HOST, posixHere());
    expect(!denied.ok && denied.message).toContain('permission denied');
  });
});
