/**
 * A stand-in VS Code window whose workspace changes while the extension runs: settings edited
 * (onDidChangeConfiguration with a real affectsConfiguration), folders added and removed
 * (onDidChangeWorkspaceFolders), trust granted. Built on the shared vscodeStub; each test file
 * creates one in its `vi.mock('vscode')` factory and drives it.
 */
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';

type Listener<T> = (e: T) => unknown;

export interface Folder {
  uri: { fsPath: string; path: string; scheme: string; toString(): string };
  name: string;
  index: number;
}

export interface Shown {
  level: 'info' | 'warning' | 'error';
  text: string;
  items: string[];
}

export interface World {
  settings: Record<string, unknown>;
  folders: Folder[];
  trusted: boolean;
  shown: Shown[];
  contexts: Map<string, unknown>;
  commands: Map<string, (...a: unknown[]) => unknown>;
  configListeners: Set<Listener<{ affectsConfiguration(section: string): boolean }>>;
  folderListeners: Set<Listener<{ added: Folder[]; removed: Folder[] }>>;
  trustListeners: Set<Listener<void>>;
  /** Diagnostics per file path, as last set. */
  diagnostics: Map<string, Array<{ message: string; severity: number }>>;
  /** The answer the next quick pick gives (index into its items), undefined: dismissed. */
  pickIndex: number | undefined;
  picks: Array<{ items: Array<{ label: string; description?: string }> }>;
  /** Answers for the next quick picks, in order (before pickIndex applies). */
  pickAnswers: Array<(items: Array<{ label: string; description?: string }>) => unknown>;
  /** Language-feature registrations, in order (CodeLens, code actions), with their selectors. */
  registrations: Array<{ kind: string; selector: unknown; provider: unknown; disposed: boolean }>;
  /** Each folder's own .vscode/settings.json values, by folder path (resource-scoped reads only). */
  folderSettings: Map<string, Record<string, unknown>>;
  /** The open text documents (vscode.workspace.textDocuments). */
  documents: unknown[];
  /** vscode.workspace.workspaceFile: set for a multi-root (.code-workspace) window. */
  workspaceFile: { fsPath: string; path: string; scheme: string } | undefined;
  /** Settings written through WorkspaceConfiguration.update, in order. */
  updates: Array<{ key: string; value: unknown; target: unknown; scope: string | undefined }>;
  /** The workspace's own values (its .vscode/settings.json), over `settings` (the user's) when trusted. */
  workspaceSettings: Record<string, unknown>;
  /** Whether update() also writes the value to its target (user or workspace) and fires the change. */
  applyUpdates: boolean;
  /** Answers for the next messages shown, in order (the button picked, undefined: dismissed). */
  messageAnswers: Array<(m: Shown) => string | undefined>;
  /** Answers for the next input boxes, in order: the text typed, or a function of the box shown. */
  inputAnswers: Array<string | ((box: InputBox) => string | undefined)>;
}

/** What an input box offers: its pre-filled value and the check it runs on what is typed. */
export interface InputBox {
  value?: string;
  validateInput?: (value: string) => string | undefined;
}

/** The one world of a test file: its vi.mock factory and its tests import the same module. */
export const world: World = newWorld();

export function newWorld(): World {
  return {
    settings: {},
    folders: [],
    trusted: true,
    shown: [],
    contexts: new Map(),
    commands: new Map(),
    configListeners: new Set(),
    folderListeners: new Set(),
    trustListeners: new Set(),
    diagnostics: new Map(),
    pickIndex: undefined,
    picks: [],
    pickAnswers: [],
    registrations: [],
    documents: [],
    folderSettings: new Map(),
    workspaceFile: undefined,
    updates: [],
    workspaceSettings: {},
    applyUpdates: false,
    messageAnswers: [],
    inputAnswers: [],
  };
}

const uri = (p: string) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}` });

/** The `vscode` module for this world (call from the vi.mock factory). */
export async function worldVscode(world: World): Promise<Record<string, unknown>> {
  const { createVscodeStub } = await import('../support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub(world.settings);
  world.commands = record.commands;
  world.contexts = record.contexts;
  const keep =
    <T>(set: Set<Listener<T>>) =>
    (l: Listener<T>) => {
      set.add(l);
      return { dispose: () => set.delete(l) };
    };
  const ws = vscode.workspace as Record<string, unknown>;
  Object.defineProperty(ws, 'workspaceFolders', { get: () => (world.folders.length ? world.folders : undefined) });
  Object.defineProperty(ws, 'isTrusted', { get: () => world.trusted });
  ws.onDidChangeConfiguration = keep(world.configListeners);
  ws.onDidChangeWorkspaceFolders = keep(world.folderListeners);
  ws.onDidGrantWorkspaceTrust = keep(world.trustListeners);
  // A read for a document sees its folder's values over the window's, as VS Code's resource scope does.
  ws.getConfiguration = (section?: string, scope?: { fsPath: string }) => ({
    get: (key: string, def?: unknown) => {
      const full = section ? `${section}.${key}` : key;
      const folder = scope && world.folders.find((f) => scope.fsPath.startsWith(`${f.uri.fsPath}/`));
      const own = folder ? world.folderSettings.get(folder.uri.fsPath) : undefined;
      if (own && full in own) return own[full];
      if (world.trusted && full in world.workspaceSettings) return world.workspaceSettings[full];
      return full in world.settings ? world.settings[full] : def;
    },
    update: async (key: string, value: unknown, target: unknown) => {
      const full = section ? `${section}.${key}` : key;
      world.updates.push({ key: full, value, target, scope: scope?.fsPath });
      if (!world.applyUpdates) return;
      if (target === 2 /* ConfigurationTarget.Workspace */) world.workspaceSettings[full] = value;
      else world.settings[full] = value;
      fireChange(world, [full]);
    },
    inspect: (key: string) => {
      const full = section ? `${section}.${key}` : key;
      const folder = scope && world.folders.find((f) => scope.fsPath === f.uri.fsPath || scope.fsPath.startsWith(`${f.uri.fsPath}/`));
      return { key: full, globalValue: world.settings[full], workspaceValue: world.workspaceSettings[full], workspaceFolderValue: folder ? world.folderSettings.get(folder.uri.fsPath)?.[full] : undefined };
    },
  });
  Object.defineProperty(ws, 'workspaceFile', { get: () => world.workspaceFile });
  ws.getWorkspaceFolder = (u: { fsPath: string }) => world.folders.find((f) => u.fsPath.startsWith(`${f.uri.fsPath}/`));
  ws.asRelativePath = (p: string | { fsPath: string }) => (typeof p === 'string' ? p : p.fsPath);
  const win = vscode.window as Record<string, unknown>;
  const show = (level: Shown['level']) => (text: string, ...rest: unknown[]) => {
    const shown: Shown = { level, text, items: rest.filter((r): r is string => typeof r === 'string') };
    world.shown.push(shown);
    return Promise.resolve(world.messageAnswers.shift()?.(shown));
  };
  win.showInputBox = async (box: InputBox) => {
    const answer = world.inputAnswers.shift();
    return typeof answer === 'function' ? answer(box) : answer;
  };
  win.showInformationMessage = show('info');
  win.showWarningMessage = show('warning');
  win.showErrorMessage = show('error');
  win.showQuickPick = async (items: Array<{ label: string; description?: string }>) => {
    world.picks.push({ items });
    const answer = world.pickAnswers.shift();
    if (answer) return answer(items);
    return world.pickIndex === undefined ? undefined : items[world.pickIndex];
  };
  const langs = vscode.languages as Record<string, unknown>;
  const register = (kind: string) => (selector: unknown, provider: unknown) => {
    const r = { kind, selector, provider, disposed: false };
    world.registrations.push(r);
    return {
      dispose: () => {
        r.disposed = true;
      },
    };
  };
  langs.registerCodeLensProvider = register('codeLens');
  langs.registerCodeActionsProvider = register('codeActions');
  langs.match = (selector: unknown, doc: { languageId: string; uri: { scheme: string; fsPath: string } }) => (selectorMatches(selector, doc) ? 10 : 0);
  ws.textDocuments = world.documents;
  langs.createDiagnosticCollection = () => ({
    set: (u: { fsPath: string }, ds: Array<{ message: string; severity: number }>) => void world.diagnostics.set(u.fsPath, ds),
    delete: (u: { fsPath: string }) => void world.diagnostics.delete(u.fsPath),
    clear() {},
    dispose() {},
  });
  return vscode;
}

type Filter = { language?: string; scheme?: string; pattern?: string };

/** vscode.languages.match for filters of language, scheme and glob pattern (the absolute path, as VS Code matches it). */
export function selectorMatches(selector: unknown, doc: { languageId: string; uri: { scheme: string; fsPath: string } }): boolean {
  const filters = (Array.isArray(selector) ? selector : [selector]) as Array<Filter | string>;
  return filters.some((f) => {
    if (typeof f === 'string') return f === doc.languageId;
    return (
      (f.language === undefined || f.language === doc.languageId) &&
      (f.scheme === undefined || f.scheme === doc.uri.scheme) &&
      (f.pattern === undefined || matchesGlob(doc.uri.fsPath, f.pattern))
    );
  });
}

/** Sets settings and fires onDidChangeConfiguration the way VS Code does (affectsConfiguration by section prefix). */
export function changeSettings(world: World, changes: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete world.settings[k];
    else world.settings[k] = v;
  }
  fireChange(world, Object.keys(changes));
}

/** onDidChangeConfiguration for these keys, the way VS Code fires it (also for a value a more specific scope overrides). */
function fireChange(world: World, keys: string[]): void {
  const event = { affectsConfiguration: (s: string) => keys.some((k) => k === s || k.startsWith(`${s}.`) || s.startsWith(`${k}.`)) };
  for (const l of [...world.configListeners]) l(event);
}

export function addFolder(world: World, path: string): Folder {
  const f: Folder = { uri: uri(path), name: path.slice(path.lastIndexOf('/') + 1), index: world.folders.length };
  world.folders.push(f);
  return f;
}

export function fireFolders(world: World, added: Folder[], removed: Folder[]): void {
  for (const [i, f] of world.folders.entries()) f.index = i;
  for (const l of [...world.folderListeners]) l({ added, removed });
}

/** An extension folder whose dist/proxy/cli.js is the fake proxy CLI (test/extension/fixtures). */
export function fakeExtensionDir(dir: string): string {
  const ext = join(dir, 'ext');
  mkdirSync(join(ext, 'dist', 'proxy'), { recursive: true });
  const cli = join(ext, 'dist', 'proxy', 'cli.js');
  copyFileSync(join(__dirname, '..', 'fixtures', 'fake-proxy-cli.mjs'), cli);
  chmodSync(cli, 0o755);
  // The fixture is an ES module; as cli.js it needs its folder to say so.
  writeFileSync(join(ext, 'dist', 'proxy', 'package.json'), '{"type":"module"}');
  return ext;
}

const memento = () => {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()] };
};

/** An ExtensionContext for the controller: in-memory SecretStorage and mementos. */
export function context(extensionPath: string, storage: string): Record<string, unknown> {
  const secrets = new Map<string, string>();
  return {
    subscriptions: [],
    extensionPath,
    extensionUri: { fsPath: extensionPath },
    globalStorageUri: { fsPath: storage },
    globalState: memento(),
    workspaceState: memento(),
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => void secrets.set(k, v),
      delete: async (k: string) => void secrets.delete(k),
      onDidChange: () => ({ dispose() {} }),
    },
  };
}

/**
 * A ProxyController in this world, on the extension folder `extensionPath` and a fresh storage
 * folder (call after the test file's `vi.mock('vscode')`); `log` gets every output line.
 */
export async function newController(extensionPath: string, storage: string, log: (line: string) => void = () => {}) {
  const { ProxyController } = await import('../../../extension/src/proxy/proxyController');
  type Context = ConstructorParameters<typeof ProxyController>[0];
  type Output = ConstructorParameters<typeof ProxyController>[1];
  return new ProxyController(context(extensionPath, storage) as unknown as Context, { info: log, warn: log, error: log, show() {} } as unknown as Output);
}
