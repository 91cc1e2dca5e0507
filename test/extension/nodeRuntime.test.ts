/** Which runtime runs the proxy: VS Code's own by default, `tollgate.nodePath` checked by running it. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveNodeRuntime, versionAtLeast } from '../../extension/src/proxy/nodeRuntime';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-node-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveNodeRuntime', () => {
  it("defaults to the extension host's own executable run as Node, with no PATH lookup", async () => {
    const r = await resolveNodeRuntime('', { execPath: '/opt/vscode/code', version: 'v20.18.3' });
    expect(r).toEqual({ ok: true, runtime: { path: '/opt/vscode/code', version: 'v20.18.3', source: 'vscode', env: { ELECTRON_RUN_AS_NODE: '1' } } });
    // The default is this process's runtime, and it runs a script with that environment and no PATH.
    const def = await resolveNodeRuntime(undefined);
    expect(def.ok && def.runtime.path).toBe(process.execPath);
    const out = execFileSync(def.ok ? def.runtime.path : '', ['-p', 'process.version'], { env: { ...(def.ok ? def.runtime.env : {}), PATH: '' }, encoding: 'utf8' });
    expect(out.trim()).toBe(process.version);
  });

  it("accepts the runtime of VS Code 1.95, the oldest engines.vscode admits (Electron 32, Node 20.18.0)", async () => {
    const r = await resolveNodeRuntime('', { execPath: '/opt/vscode-1.95/code', version: 'v20.18.0' });
    expect(r.ok).toBe(true);
  });

  it('refuses a VS Code whose embedded Node is too old, and points at the setting', async () => {
    const r = await resolveNodeRuntime(' ', { execPath: '/opt/old/code', version: 'v18.18.2' });
    expect(!r.ok && r.message).toMatch(/runs Node\.js v18\.18\.2.*20\.18\.0 or newer.*tollgate\.nodePath/);
  });

  it('uses a configured node after running it', async () => {
    const r = await resolveNodeRuntime(process.execPath, { execPath: '/never/used', version: 'v99.0.0' });
    expect(r).toEqual({ ok: true, runtime: { path: process.execPath, version: process.version, source: 'setting', env: {} } });
  });

  it('rejects a configured path that is not a working node', async () => {
    const fake = join(dir, 'not-node');
    writeFileSync(fake, '#!/bin/sh\nexit 1\n');
    chmodSync(fake, 0o755);
    const r = await resolveNodeRuntime(fake);
    expect(!r.ok && r.message).toContain(`could not run "tollgate.nodePath" (${fake})`);
    const missing = await resolveNodeRuntime(join(dir, 'nope'));
    expect(!missing.ok && missing.message).toMatch(/Clear "tollgate\.nodePath" to use the runtime built into VS Code/);
  });

  it('rejects a configured Node that is too old', async () => {
    const old = join(dir, 'old-node');
    writeFileSync(old, '#!/bin/sh\necho "v18.19.0"\n');
    chmodSync(old, 0o755);
    const r = await resolveNodeRuntime(old);
    expect(!r.ok && r.message).toMatch(/needs Node\.js 20\.18\.0 or newer; "tollgate\.nodePath" \(.*\) is v18\.19\.0/);
  });

  it('compares versions numerically', () => {
    expect(versionAtLeast('v20.18.1', [20, 18, 1])).toBe(true);
    expect(versionAtLeast('v20.9.0', [20, 18, 1])).toBe(false);
    expect(versionAtLeast('v22.0.0', [20, 18, 1])).toBe(true);
    expect(versionAtLeast('v20.18.0', [20, 18, 1])).toBe(false);
  });
});
