/**
 * The environment the real ProxyController starts its proxy with, its supervisor's start captured
 * (nothing spawned). The classes are passed in: test files import them after `vi.mock('vscode', …)`.
 * Used by test/network/editor-proxy.test.ts and test/extension/editorProxyValues.test.ts.
 */
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import type { ProxyController } from '../../../extension/src/proxy/proxyController';
import type { ProxySupervisor } from '../../../extension/src/proxy/supervisor';
import { fakeContext } from './vscodeStub.cjs';

type Context = ConstructorParameters<typeof ProxyController>[0];
type Output = ConstructorParameters<typeof ProxyController>[1];

export async function startedEnv(Controller: typeof ProxyController, Supervisor: typeof ProxySupervisor, dir: string, log: (line: string) => void = () => {}): Promise<Record<string, string>> {
  const start = vi.spyOn(Supervisor.prototype, 'start').mockResolvedValue({ kind: 'stopped' });
  const output = { info: log, warn: log, error: log, show() {} } as unknown as Output;
  const memento = new Map<string, unknown>();
  const context = { ...fakeContext(dir, join(dir, 'storage')), globalState: { get: (k: string, d?: unknown) => (memento.has(k) ? memento.get(k) : d), update: async (k: string, v: unknown) => void memento.set(k, v), keys: () => [...memento.keys()] } };
  const controller = new Controller(context as unknown as Context, output);
  try {
    await controller.start();
    expect(start).toHaveBeenCalledTimes(1);
    return start.mock.calls[0]![0].env;
  } finally {
    start.mockRestore();
    controller.dispose();
  }
}
