/** Finding the Node that runs the proxy: setting, PATH, version and ABI checks, with real executables. */
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath, resolveNodeRuntime, versionAtLeast } from '../../extension/src/proxy/nodeRuntime';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-node-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveNodeRuntime', () => {
  it('uses the configured path and reports its version and ABI', async () => {
    const r = await resolveNodeRuntime(process.execPath, '');
    expect(r).toEqual({ ok: true, runtime: { path: process.execPath, version: process.version, abi: process.versions.modules } });
  });

  it('falls back to node on PATH', async () => {
    const bin = join(dir, 'bin');
    await import('node:fs').then((fs) => fs.mkdirSync(bin, { recursive: true }));
    symlinkSync(process.execPath, join(bin, 'node'));
    expect(findOnPath(`/nonexistent:${bin}`)).toBe(join(bin, 'node'));
    const r = await resolveNodeRuntime('', `/nonexistent:${bin}`);
    expect(r.ok && r.runtime.version).toBe(process.version);
  });

  it('says exactly what to install when there is no node', async () => {
    const r = await resolveNodeRuntime('', join(dir, 'empty'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/found no "node" on PATH.*Install Node\.js 20\.18 or newer.*tollgate\.nodePath/);
  });

  it('rejects a configured path that is not a working node', async () => {
    const fake = join(dir, 'not-node');
    writeFileSync(fake, '#!/bin/sh\nexit 1\n');
    chmodSync(fake, 0o755);
    const r = await resolveNodeRuntime(fake, process.env.PATH);
    expect(!r.ok && r.message).toContain(`could not run "tollgate.nodePath" (${fake})`);
  });

  it('rejects a Node too old, and one whose native-module ABI differs from the packaged one', async () => {
    const old = join(dir, 'old-node');
    writeFileSync(old, '#!/bin/sh\necho "v18.19.0 108"\n');
    chmodSync(old, 0o755);
    const r = await resolveNodeRuntime(old, '');
    expect(!r.ok && r.message).toMatch(/needs Node\.js 20\.18\.1 or newer; .* is v18\.19\.0/);
    const abi = await resolveNodeRuntime(process.execPath, '', '999');
    expect(!abi.ok && abi.message).toContain(`ABI 999`);
    expect(dirname(process.execPath)).toBeTruthy();
  });

  it('compares versions numerically', () => {
    expect(versionAtLeast('v20.18.1', [20, 18, 1])).toBe(true);
    expect(versionAtLeast('v20.9.0', [20, 18, 1])).toBe(false);
    expect(versionAtLeast('v22.0.0', [20, 18, 1])).toBe(true);
    expect(versionAtLeast('v20.18.0', [20, 18, 1])).toBe(false);
  });
});
