/**
 * VS Code's proxy settings reach the proxy process: a user who set `http.proxy` (and `http.noProxy`)
 * in VS Code, not in the environment, got a proxy whose provider calls went direct and failed where
 * VS Code's own requests worked. `http.proxyStrictSSL: false` is never turned into disabled TLS
 * verification. The controller is run on the stand-in `vscode`, its supervisor's start captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { editorProxyEnvironment, proxyEnvironment } from '../../extension/src/proxy/environment';

const shared = vi.hoisted(() => ({ settings: {} as Record<string, unknown> }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('../extension/support/vscodeStub.cjs');
  return createVscodeStub(shared.settings).vscode;
});

const { ProxyController } = await import('../../extension/src/proxy/proxyController');
const { ProxySupervisor } = await import('../../extension/src/proxy/supervisor');
const { startedEnv } = await import('../extension/support/controllerStart');

const dir = mkdtempSync(join(tmpdir(), 'tollgate-editor-proxy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('editorProxyEnvironment', () => {
  const PROXY = 'http://me:s3cret@proxy.corp:3128';

  it('passes http.proxy and http.noProxy when the environment names no proxy', () => {
    const { env } = editorProxyEnvironment({ PATH: '/usr/bin' }, { proxy: PROXY, noProxy: ['localhost', '.internal', ' 10.0.0.0/8 '] }, 'linux');
    expect(env).toEqual({ HTTPS_PROXY: PROXY, HTTP_PROXY: PROXY, NO_PROXY: 'localhost,.internal,10.0.0.0/8' });
  });

  it('the environment wins, in any case on Windows; proxySupport off adds nothing', () => {
    expect(editorProxyEnvironment({ https_proxy: 'http://env:1' }, { proxy: PROXY }, 'linux').env).toEqual({});
    expect(editorProxyEnvironment({ Http_Proxy: 'http://env:1' }, { proxy: PROXY }, 'win32').env).toEqual({});
    expect(editorProxyEnvironment({}, { proxy: PROXY, proxySupport: 'off' }, 'linux').env).toEqual({});
    // An environment NO_PROXY is kept.
    expect(editorProxyEnvironment({ NO_PROXY: 'corp' }, { proxy: PROXY, noProxy: ['x'] }, 'linux').env).toEqual({ HTTPS_PROXY: PROXY, HTTP_PROXY: PROXY });
  });

  it('the proxy variables the proxy reads all reach it (ALL_PROXY too), secrets still do not', () => {
    const env = proxyEnvironment({ ALL_PROXY: 'socks5://s:1080', all_proxy: 'socks5://s:1080', NO_PROXY: 'x', NODE_EXTRA_CA_CERTS: '/ca.pem', GITHUB_TOKEN: 'g' }, 'linux');
    expect(env).toEqual({ ALL_PROXY: 'socks5://s:1080', all_proxy: 'socks5://s:1080', NO_PROXY: 'x', NODE_EXTRA_CA_CERTS: '/ca.pem' });
  });

  it('http.proxyAuthorization Basic becomes the proxy URL\'s credentials; the URL\'s own win; other schemes get a note', () => {
    const basic = `Basic ${Buffer.from('dom\\me:p@ss:word').toString('base64')}`;
    const { env } = editorProxyEnvironment({}, { proxy: 'http://proxy.corp:3128', proxyAuthorization: basic }, 'linux');
    const url = new URL(env.HTTPS_PROXY ?? '');
    expect([decodeURIComponent(url.username), decodeURIComponent(url.password), url.host]).toEqual(['dom\\me', 'p@ss:word', 'proxy.corp:3128']);
    expect(env.HTTP_PROXY).toBe(env.HTTPS_PROXY);
    expect(editorProxyEnvironment({}, { proxy: PROXY, proxyAuthorization: basic }, 'linux').env.HTTPS_PROXY).toBe(PROXY);
    const negotiate = editorProxyEnvironment({}, { proxy: 'http://proxy.corp:3128', proxyAuthorization: 'Negotiate YIIabc' }, 'linux');
    expect(negotiate.env.HTTPS_PROXY).toBe('http://proxy.corp:3128');
    expect(negotiate.notes.join('\n')).toContain('http.proxyAuthorization');
    expect(negotiate.notes.join('\n')).not.toContain('YIIabc');
  });

  it('proxyStrictSSL off never disables TLS verification; it says what to set instead', () => {
    const r = editorProxyEnvironment({}, { proxy: PROXY, strictSSL: false }, 'linux');
    expect(Object.keys(r.env)).not.toContain('NODE_TLS_REJECT_UNAUTHORIZED');
    expect(r.notes.join('\n')).toContain('NODE_EXTRA_CA_CERTS');
    expect(r.notes.join('\n')).not.toContain('s3cret');
  });
});

describe('the controller', () => {
  it('starts the proxy with VS Code\'s http.proxy in its environment, and logs no credentials', async () => {
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, https_proxy: process.env.https_proxy, HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy, ALL_PROXY: process.env.ALL_PROXY, all_proxy: process.env.all_proxy };
    for (const k of Object.keys(saved)) delete process.env[k];
    shared.settings['http.proxy'] = 'http://me:s3cret@proxy.corp:3128';
    shared.settings['http.noProxy'] = ['.internal'];
    shared.settings['http.proxyStrictSSL'] = false;
    const logs: string[] = [];
    try {
      const env = await startedEnv(ProxyController, ProxySupervisor, dir, (l) => void logs.push(l));
      expect(env).toMatchObject({ HTTPS_PROXY: 'http://me:s3cret@proxy.corp:3128', HTTP_PROXY: 'http://me:s3cret@proxy.corp:3128', NO_PROXY: '.internal' });
      expect(env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
      expect(logs.join('\n')).toContain('NODE_EXTRA_CA_CERTS');
      expect(logs.join('\n')).not.toContain('s3cret');
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  });
});
