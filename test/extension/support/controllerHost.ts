/**
 * The extension host a ProxyController runs in, faked for tests with real proxies: the user's
 * SecretStorage (one store per user, whichever window asks; every window hears of changes),
 * mementos, and an extension context per window. The controller class is passed in: test files
 * import it after `vi.mock('vscode', …)`, so nothing here imports the extension at load time.
 */
import { join } from 'node:path';
import type { ProxyController } from '../../../extension/src/proxy/proxyController';

type Controller = typeof ProxyController;
type Context = ConstructorParameters<Controller>[0];
type Output = ConstructorParameters<Controller>[1];

export interface FakeSecrets {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  onDidChange(listener: (e: { key: string }) => void): { dispose(): void };
  /** Forgets every secret (a fresh user profile). */
  clear(): void;
}

/** SecretStorage semantics: one store shared by the user's windows; a store is heard by every window. */
export function fakeSecrets(): FakeSecrets {
  const store = new Map<string, string>();
  const listeners = new Set<(e: { key: string }) => void>();
  return {
    get: async (k) => store.get(k),
    store: async (k, v) => {
      store.set(k, v);
      for (const l of listeners) l({ key: k });
    },
    delete: async (k) => void store.delete(k),
    onDidChange: (l) => {
      listeners.add(l);
      return { dispose: () => void listeners.delete(l) };
    },
    clear: () => store.clear(),
  };
}

/** A globalState/workspaceState memento held in memory. */
export function fakeMemento() {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()] };
}

export interface WindowHostOptions {
  /** The extension's folder (dist/proxy/cli.js is started from there). */
  extensionPath: string;
  /** Where the windows' globalStorage (the proxy's data directory) lives. */
  storageDir: string;
  /** Shared by the windows (the user's SecretStorage); a new one by default. */
  secrets?: FakeSecrets;
}

export interface FakeWindow {
  controller: ProxyController;
  /** Everything the window wrote to its "Tollgate" output. */
  logs: string[];
}

/** Opens windows of one user: each a ProxyController with its own context and output, the secrets shared. */
export function windowHost(Controller: Controller, opts: WindowHostOptions): { secrets: FakeSecrets; open(extensionVersion?: string): FakeWindow } {
  const secrets = opts.secrets ?? fakeSecrets();
  return {
    secrets,
    open(extensionVersion) {
      const logs: string[] = [];
      const log = (l: string) => void logs.push(l);
      const output = { info: log, warn: log, error: log, show() {} } as unknown as Output;
      const context = {
        subscriptions: [],
        extensionPath: opts.extensionPath,
        extensionUri: { fsPath: opts.extensionPath },
        ...(extensionVersion !== undefined ? { extension: { packageJSON: { version: extensionVersion } } } : {}),
        globalStorageUri: { fsPath: join(opts.storageDir, 'storage') },
        secrets,
        globalState: fakeMemento(),
        workspaceState: fakeMemento(),
      };
      return { controller: new Controller(context as unknown as Context, output), logs };
    },
  };
}
