/**
 * A minimal in-memory `vscode` module for loading the bundled extension outside VS Code (unit
 * tests of activation, and the activation benchmark, which loads it in a plain `node` child so no
 * TypeScript loader skews the timing). It records what the extension registers; anything not
 * modelled is a no-op returning a disposable. Plain CommonJS on purpose; types in vscodeStub.d.cts.
 */
'use strict';
const Module = require('node:module');

const disposable = () => ({ dispose() {} });

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (l) => {
      this.listeners.add(l);
      return { dispose: () => this.listeners.delete(l) };
    };
  }
  fire(e) {
    for (const l of this.listeners) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(a, b, c, d) {
    this.start = new Position(a, b);
    this.end = new Position(c, d);
  }
  isEqual(o) {
    return this.start.line === o.start.line && this.start.character === o.start.character && this.end.line === o.end.line && this.end.character === o.end.character;
  }
}

function createVscodeStub(settings = {}, extra = {}) {
  const record = {
    commands: new Map(),
    statusBarItems: [],
    codeLensSelectors: [],
    codeLensProviders: [],
    codeActionSelectors: [],
    webviewViews: [],
    panelSerializers: [],
    contexts: new Map(),
    diagnosticCollections: [],
    logs: [],
    messages: [],
  };
  const log = (level) => (m) => record.logs.push(`${level} ${m}`);
  const message = (m) => {
    record.messages.push(m);
    return Promise.resolve(undefined);
  };
  const vscode = {
    version: '1.95.0-stub',
    EventEmitter,
    Position,
    Range,
    Selection: Range,
    ThemeColor: class {
      constructor(id) {
        this.id = id;
      }
    },
    CodeLens: class {
      constructor(range, command) {
        this.range = range;
        this.command = command;
      }
    },
    Diagnostic: class {
      constructor(range, message, severity) {
        Object.assign(this, { range, message, severity });
      }
    },
    CodeAction: class {
      constructor(title, kind) {
        Object.assign(this, { title, kind });
      }
    },
    WorkspaceEdit: class {
      replace() {}
    },
    Disposable: { from: (...ds) => ({ dispose: () => ds.forEach((d) => d.dispose()) }) },
    CodeActionKind: { QuickFix: 'quickfix' },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    QuickPickItemKind: { Separator: -1, Default: 0 },
    ViewColumn: { One: 1, Beside: -2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    TabInputText: class {},
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    Uri: {
      parse: (s) => ({ toString: () => s, fsPath: s }),
      file: (p) => ({ toString: () => `file://${p}`, fsPath: p, path: p, scheme: 'file' }),
      from: (c) => ({ ...c, toString: () => `${c.scheme}:${c.path}` }),
      joinPath: (u, ...p) => ({ fsPath: [u.fsPath, ...p].join('/') }),
    },
    env: { clipboard: { writeText: async () => {} }, openExternal: async () => true },
    window: {
      createOutputChannel: () => ({
        info: log('info'),
        warn: log('warn'),
        error: log('error'),
        debug: log('debug'),
        trace: log('trace'),
        appendLine: log('info'),
        show() {},
        dispose() {},
      }),
      createStatusBarItem: () => {
        const item = {
          text: '',
          tooltip: undefined,
          command: undefined,
          name: '',
          backgroundColor: undefined,
          visible: false,
          show() {
            item.visible = true;
          },
          hide() {
            item.visible = false;
          },
          dispose() {},
        };
        record.statusBarItems.push(item);
        return item;
      },
      registerWebviewPanelSerializer: (id) => {
        record.panelSerializers.push(id);
        return disposable();
      },
      tabGroups: { activeTabGroup: { activeTab: undefined } },
      registerWebviewViewProvider: (id) => {
        record.webviewViews.push(id);
        return disposable();
      },
      showInformationMessage: message,
      showWarningMessage: message,
      showErrorMessage: message,
      showQuickPick: async () => undefined,
      showInputBox: async () => undefined,
      onDidChangeActiveColorTheme: () => disposable(),
      activeTextEditor: undefined,
    },
    commands: {
      registerCommand: (id, fn) => {
        record.commands.set(id, fn);
        return { dispose: () => record.commands.delete(id) };
      },
      executeCommand: async (id, ...args) => {
        if (id === 'setContext') {
          record.contexts.set(args[0], args[1]);
          return undefined;
        }
        return record.commands.get(id)?.(...args);
      },
    },
    languages: {
      registerCodeLensProvider: (sel, provider) => {
        record.codeLensSelectors.push(sel);
        record.codeLensProviders.push(provider);
        return disposable();
      },
      registerCodeActionsProvider: (sel) => {
        record.codeActionSelectors.push(sel);
        return disposable();
      },
      createDiagnosticCollection: (name) => {
        record.diagnosticCollections.push(name);
        return { set() {}, delete() {}, clear() {}, dispose() {} };
      },
      match: () => 0,
    },
    workspace: {
      workspaceFolders: extra.workspaceFolders,
      textDocuments: [],
      getConfiguration: (section) => ({
        get: (key, def) => {
          const full = section ? `${section}.${key}` : key;
          return full in settings ? settings[full] : def;
        },
        update: async () => {},
      }),
      onDidChangeConfiguration: () => disposable(),
      onDidChangeWorkspaceFolders: () => disposable(),
      registerTextDocumentContentProvider: () => disposable(),
      onDidOpenTextDocument: () => disposable(),
      onDidChangeTextDocument: () => disposable(),
      onDidCloseTextDocument: () => disposable(),
      onDidSaveTextDocument: () => disposable(),
      createFileSystemWatcher: () => ({ onDidChange: () => disposable(), onDidCreate: () => disposable(), onDidDelete: () => disposable(), dispose() {} }),
      asRelativePath: (p) => String(p),
      fs: {},
      isTrusted: extra.isTrusted ?? true,
      onDidGrantWorkspaceTrust: () => disposable(),
    },
  };
  return { vscode, record };
}

/** Makes `require('vscode')` return `stub` for modules loaded after this call; returns an undo. */
function installVscodeStub(stub) {
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return stub;
    return original.call(this, request, ...rest);
  };
  return () => {
    Module._load = original;
  };
}

/** A TextDocument over fixed text (enough for the CodeLens and diagnostics providers). */
function fakeDocument(fsPath, text, languageId, version = 1) {
  return {
    uri: { toString: () => `file://${fsPath}`, fsPath, path: fsPath, scheme: 'file' },
    fileName: fsPath,
    languageId,
    version,
    isClosed: false,
    getText: () => text,
  };
}

/** A fake ExtensionContext; SecretStorage is an in-memory map. */
function fakeContext(extensionPath, globalStorage) {
  const secrets = new Map();
  return {
    subscriptions: [],
    extensionPath,
    extensionUri: { fsPath: extensionPath },
    globalStorageUri: { fsPath: globalStorage },
    secrets: {
      get: async (k) => secrets.get(k),
      store: async (k, v) => void secrets.set(k, v),
      delete: async (k) => void secrets.delete(k),
      onDidChange: () => disposable(),
    },
  };
}

module.exports = { createVscodeStub, installVscodeStub, fakeContext, fakeDocument };
