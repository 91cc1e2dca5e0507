export interface StubStatusBarItem {
  text: string;
  tooltip?: unknown;
  command?: unknown;
  accessibilityInformation?: { label: string; role?: string };
  visible: boolean;
}

export interface VscodeStubRecord {
  commands: Map<string, (...args: unknown[]) => unknown>;
  statusBarItems: StubStatusBarItem[];
  codeLensSelectors: unknown[];
  codeLensProviders: Array<{ provideCodeLenses(doc: unknown, token?: unknown): Promise<Array<{ command?: { title: string } }>> }>;
  codeActionSelectors: unknown[];
  webviewViews: string[];
  panelSerializers: string[];
  contexts: Map<string, unknown>;
  diagnosticCollections: string[];
  logs: string[];
  messages: string[];
}

export interface FakeContext {
  subscriptions: Array<{ dispose(): unknown }>;
  extensionPath: string;
  extensionUri: { fsPath: string };
  globalStorageUri: { fsPath: string };
  secrets: {
    get(k: string): Promise<string | undefined>;
    store(k: string, v: string): Promise<void>;
    delete(k: string): Promise<void>;
  };
}

export function createVscodeStub(
  settings?: Record<string, unknown>,
  extra?: { workspaceFolders?: Array<{ uri: { fsPath: string } }> },
): { vscode: Record<string, unknown>; record: VscodeStubRecord };
export function installVscodeStub(stub: unknown): () => void;
export function fakeContext(extensionPath: string, globalStorage: string): FakeContext;
export interface FakeDocument {
  uri: { toString(): string; fsPath: string; path: string; scheme: string };
  languageId: string;
  version: number;
  getText(): string;
}
export function fakeDocument(fsPath: string, text: string, languageId: string, version?: number): FakeDocument;
