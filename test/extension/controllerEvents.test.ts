/**
 * The proxy controller's one event stream follows the proxy's port: when it makes a new stream it
 * says so (onDidReplaceEvents), and the dashboard source, handed the controller itself, moves its
 * listeners to the new stream at once instead of on the webview's next request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../../webview/src/protocol';

const settings = vi.hoisted(() => ({ 'tollgate.proxy.port': 4141 }) as Record<string, unknown>);
vi.mock('vscode', async () => (await import('./support/vscodeStub.cjs')).createVscodeStub(settings).vscode);

const { ProxyController } = await import('../../extension/src/proxy/proxyController');
const { ProxyDashboardSource } = await import('../../extension/src/dashboard/proxySource');
const { fakeContext } = await import('./support/vscodeStub.cjs');
type Context = ConstructorParameters<typeof ProxyController>[0];
type Output = ConstructorParameters<typeof ProxyController>[1];

const dir = mkdtempSync(join(tmpdir(), 'tollgate-controller-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('proxy controller event stream', () => {
  it('announces a replaced stream, and the dashboard source follows it without a request', async () => {
    const output = { info() {}, warn() {}, error() {}, show() {} } as unknown as Output;
    const controller = new ProxyController(fakeContext(dir, join(dir, 'storage')) as unknown as Context, output);
    const source = new ProxyDashboardSource(controller);
    const states: ConnectionState[] = [];
    try {
      source.onConnection((c) => states.push(c));
      const first = controller.events;
      expect(first.proxyUrl).toBe('http://127.0.0.1:4141');
      expect(controller.events).toBe(first); // the same stream while nothing changed
      const announced: string[] = [];
      controller.onDidReplaceEvents((e) => announced.push(e.proxyUrl));
      settings['tollgate.proxy.port'] = 4242; // "Use Another Port"
      const second = controller.events;
      expect(second).not.toBe(first);
      expect(announced).toEqual(['http://127.0.0.1:4242']);
      // The source heard of it: its listeners are on the new stream, and told where it stands.
      expect(states.at(-1)).toMatchObject({ proxyUrl: 'http://127.0.0.1:4242' });
      expect(source.proxyUrl).toBe('http://127.0.0.1:4242');
    } finally {
      source.dispose();
      controller.dispose();
    }
  });
});
