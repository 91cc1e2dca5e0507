/**
 * Every build said 0.1.0: a window could not tell the proxy on its port was another build of the
 * same version (a dev build left running). /healthz now reports `build` (scripts/build.mjs: a hash
 * of the bundled sources), the supervisor compares it with its own, and a proxy from before build
 * identities (no `build`) is still compared by version alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOwner } from '../../../extension/src/proxy/ownerRecord';
import { ProxySupervisor } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';
import { userProxies } from '../support/userProxy';

const TOKEN = 'admin-token-other-build';
const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate-other-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { supervisors, proxyOnPort } = userProxies(TOKEN);

async function attachTo(port: number, own: { version: string; build?: string }) {
  const logs: string[] = [];
  const sup = new ProxySupervisor({ log: (l) => logs.push(l), healthIntervalMs: 60_000 });
  supervisors.push(sup);
  const state = await sup.start({
    nodePath: process.execPath,
    cliPath: join(__dirname, '../fixtures/fake-proxy-cli.mjs'),
    port,
    dataDir: mkdtempSync(join(dir, 'data-')),
    env: { TOLLGATE_ADMIN_TOKEN: TOKEN },
    ...own,
  });
  return { state, warned: logs.filter((l) => l.includes('this extension is')) };
}

describe('another build of the same version on the port', () => {
  it('is named, builds included, when both report one', async () => {
    const port = await proxyOnPort({ version: '0.1.0', build: 'aaaaaaaaaaaa' });
    const { state, warned } = await attachTo(port, { version: '0.1.0', build: 'bbbbbbbbbbbb' });
    expect(state).toMatchObject({ kind: 'running', attached: true, verified: true, version: '0.1.0', build: 'aaaaaaaaaaaa' });
    expect(warned).toEqual([
      `the proxy on port ${port} is Tollgate 0.1.0 (build aaaaaaaaaaaa); this extension is 0.1.0 (build bbbbbbbbbbbb). Until the window or terminal that started it restarts it (on 0.1.0 (build bbbbbbbbbbbb)), what differs between the two builds may be missing or fail`,
    ]);
  });

  it('the same build says nothing; an older proxy without a build is compared by version only', async () => {
    const same = await attachTo(await proxyOnPort({ version: '0.1.0', build: 'aaaaaaaaaaaa' }), { version: '0.1.0', build: 'aaaaaaaaaaaa' });
    expect(same.warned).toEqual([]);
    const older = await attachTo(await proxyOnPort({ version: '0.1.0' }), { version: '0.1.0', build: 'bbbbbbbbbbbb' });
    expect(older.state).toMatchObject({ kind: 'running', attached: true, verified: true });
    expect(older.warned).toEqual([]);
    const olderVersion = await attachTo(await proxyOnPort({ version: '0.0.9' }), { version: '0.1.0', build: 'bbbbbbbbbbbb' });
    expect(olderVersion.warned).toHaveLength(1);
    expect(olderVersion.warned[0]).toContain('is Tollgate 0.0.9; this extension is 0.1.0.');
  });
});

describe('the built proxy', () => {
  it('reports the build identity the extension bundle was built with, in /healthz and its owner record', async () => {
    if (!existsSync(join(root, 'dist/proxy/cli.js'))) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
    // esbuild inlines the define where it is read: the extension's own build identity is a literal there.
    const bundle = readFileSync(join(root, 'dist/extension/extension.cjs'), 'utf8');
    const literals = new Set((bundle.match(/"[0-9a-f]{12}"/g) ?? []).map((l) => l.slice(1, -1)));
    const logs: string[] = [];
    const sup = new ProxySupervisor({ log: (l) => logs.push(l), healthIntervalMs: 60_000 });
    supervisors.push(sup);
    const dataDir = mkdtempSync(join(dir, 'real-'));
    const port = await freePort();
    const state = await sup.start({ nodePath: process.execPath, cliPath: join(root, 'dist/proxy/cli.js'), port, dataDir, env: { TOLLGATE_ADMIN_TOKEN: TOKEN }, version: '0.1.0' });
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { version: string; build?: string };
    expect(health.build).toMatch(/^[0-9a-f]{12}$/);
    expect(literals.has(health.build!)).toBe(true);
    expect(state, logs.join('\n')).toMatchObject({ kind: 'running', attached: false, build: health.build });
    expect(readOwner(dataDir)).toMatchObject({ build: health.build, version: health.version });
    // The CLI's --version keeps the semver first.
    const out = await new Promise<string>((resolve) => {
      const p = spawn(process.execPath, [join(root, 'dist/proxy/cli.js'), '--version']);
      let text = '';
      p.stdout.on('data', (c: Buffer) => (text += c.toString()));
      p.on('close', () => resolve(text.trim()));
    });
    expect(out).toBe(`${health.version} (build ${health.build})`);
  }, 60_000);
});
