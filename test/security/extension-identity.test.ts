/**
 * The extension trusts only its own proxy. Before, any process that bound the port first and
 * answered /healthz with {"status":"ok"} was used, silently, and the user's apps sent it their keys.
 * Now the proxy proves it holds the window's admin token (an HMAC of a fresh challenge) and the
 * supervisor says when the process on the port is not its own. Also: the proxy process gets an
 * allow-listed environment, not the extension host's secrets.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyEnvironment } from '../../extension/src/proxy/environment';
import { verifyProxyIdentity } from '../../extension/src/proxy/identity';
import { ProxySupervisor } from '../../extension/src/proxy/supervisor';
import { startHarness, type Harness } from '../support/harness';

const fakeCli = join(import.meta.dirname, '../extension/fixtures/fake-proxy-cli.mjs');
let h: Harness;
let impostor: Server;
let impostorPort: number;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-identity-'));
  impostor = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'ok', version: '0.1.0' }));
  });
  await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', () => r()));
  impostorPort = (impostor.address() as AddressInfo).port;
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => impostor.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('proxy identity', () => {
  it('the real proxy proves it holds its admin token; a wrong token or an impostor does not verify', async () => {
    expect(await verifyProxyIdentity(h.proxy.url, h.proxy.adminToken)).toBe('verified');
    expect(await verifyProxyIdentity(h.proxy.url, 'some-other-window-token')).toBe('unverified');
    expect(await verifyProxyIdentity(`http://127.0.0.1:${impostorPort}`, h.proxy.adminToken)).toBe('unverified');
  });

  it('the supervisor says so when the process on its port is not its proxy', async () => {
    const logs: string[] = [];
    const sup = new ProxySupervisor({ log: (l) => logs.push(l), startTimeoutMs: 10_000 });
    try {
      const state = await sup.start({ nodePath: process.execPath, cliPath: fakeCli, port: impostorPort, dataDir: join(dir, 'd1'), env: { TOLLGATE_ADMIN_TOKEN: 'window-token-0123456789' } });
      expect(state).toMatchObject({ kind: 'running', attached: true, verified: false });
      expect(logs.join('\n')).toMatch(/cannot prove it is your Tollgate proxy/);
    } finally {
      await sup.stop();
    }
  });
});

describe('proxy environment', () => {
  it('passes basics, TOLLGATE_* and provider keys, never other secrets', () => {
    const env = proxyEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/me',
      LC_ALL: 'C',
      OPENAI_API_KEY: 'sk-1',
      TOLLGATE_TRUSTED_HOSTS: 'example.com',
      GITHUB_TOKEN: 'ghp_secret',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      NPM_TOKEN: 'npm-secret',
      SSH_AUTH_SOCK: '/tmp/agent',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/me', LC_ALL: 'C', OPENAI_API_KEY: 'sk-1', TOLLGATE_TRUSTED_HOSTS: 'example.com' });
    expect(proxyEnvironment({ GITHUB_TOKEN: 'x', TOLLGATE_ALLOW_KEY_ENV: 'GITHUB_TOKEN' }).GITHUB_TOKEN).toBe('x');
  });
});
