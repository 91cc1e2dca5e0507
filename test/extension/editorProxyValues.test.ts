/**
 * VS Code's `http.*` proxy settings as settings.json can hold them: any JSON value. A user who wrote
 * `"http.noProxy": "localhost,.internal"` (the NO_PROXY way, a string, not a list) or a non-string
 * `http.proxy` got no proxy at all: the start threw ("….map is not a function") before the
 * supervisor ran, with nothing said. The real controller on the stand-in `vscode`, its supervisor's
 * start captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

const shared = vi.hoisted(() => ({ settings: {} as Record<string, unknown> }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  return createVscodeStub(shared.settings).vscode;
});

const { ProxyController } = await import('../../extension/src/proxy/proxyController');
const { ProxySupervisor } = await import('../../extension/src/proxy/supervisor');
const { startedEnv } = await import('./support/controllerStart');

const dir = mkdtempSync(join(tmpdir(), 'tollgate-editor-proxy-values-'));
const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
const saved = Object.fromEntries(PROXY_VARS.map((k) => [k, process.env[k]]));
for (const k of PROXY_VARS) delete process.env[k];
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const k of Object.keys(shared.settings)) delete shared.settings[k];
});

/** The environment the proxy would be started with under `settings`. */
async function launchEnv(settings: Record<string, unknown>): Promise<Record<string, string>> {
  Object.assign(shared.settings, settings);
  return startedEnv(ProxyController, ProxySupervisor, dir);
}

describe('odd values of VS Code\'s proxy settings', () => {
  it('http.noProxy written as one string is the no-proxy list', async () => {
    const env = await launchEnv({ 'http.proxy': ' http://proxy.corp:3128 ', 'http.noProxy': 'localhost,.internal' });
    expect(env).toMatchObject({ HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'localhost,.internal' });
  });

  it.each([
    ['a number as http.proxy', { 'http.proxy': 3128 }],
    ['an object as http.proxy', { 'http.proxy': { url: 'http://proxy.corp:3128' } }],
    ['a number in http.noProxy', { 'http.proxy': 'http://proxy.corp:3128', 'http.noProxy': [8080, 'localhost'] }],
    ['a number as http.proxyAuthorization', { 'http.proxy': 'http://proxy.corp:3128', 'http.proxyAuthorization': 7 }],
  ])('%s: the proxy still starts', async (_name, settings) => {
    const env = await launchEnv(settings);
    const proxy = settings['http.proxy'];
    expect(env.HTTPS_PROXY).toBe(typeof proxy === 'string' ? proxy : undefined);
    if ('http.noProxy' in settings) expect(env.NO_PROXY).toBe('localhost');
  });
});
