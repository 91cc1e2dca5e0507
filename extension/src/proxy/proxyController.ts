/**
 * VS Code side of proxy supervision: resolves the Node runtime, the data dir and policy file,
 * hands provider keys from SecretStorage to the child's environment (never to disk or the log),
 * logs to the "Tollgate" output channel and turns failures into messages with a fix.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ENV } from '@contract/process';
import { ProxyClient } from '../client/proxyClient';
import { readConfig } from '../config';
import { resolveNodeRuntime } from './nodeRuntime';
import { ProxySupervisor } from './supervisor';
import type { ProxyState } from './state';
import { PROVIDER_KEYS, readProviderKeys } from './providerKeys';

export class ProxyController implements vscode.Disposable {
  private readonly supervisor: ProxySupervisor;
  private readonly stateEmitter = new vscode.EventEmitter<ProxyState>();
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fresh per window; only this window's proxy accepts it for admin calls. */
  private readonly adminToken = randomBytes(24).toString('hex');
  private readonly disposables: vscode.Disposable[] = [];
  private clientCache: ProxyClient | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.supervisor = new ProxySupervisor({ log: (l) => output.info(l) });
    const sub = this.supervisor.onDidChangeState((s) => {
      this.clientCache = undefined;
      this.stateEmitter.fire(s);
      if (s.kind === 'failed') void this.explainFailure(s);
    });
    this.disposables.push({ dispose: () => sub.dispose() }, this.stateEmitter);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if ((e.affectsConfiguration('tollgate.proxy.port') || e.affectsConfiguration('tollgate.nodePath')) && this.state.kind !== 'stopped') {
          void this.start();
        }
      }),
    );
  }

  get state(): ProxyState {
    return this.supervisor.state;
  }

  /** A client for the running proxy, or undefined when it is not running. */
  get client(): ProxyClient | undefined {
    const s = this.state;
    if (s.kind !== 'running') return undefined;
    // An attached proxy was started elsewhere, with another admin token.
    this.clientCache ??= new ProxyClient(s.url, s.attached ? undefined : this.adminToken);
    return this.clientCache;
  }

  /** The admin token for this window's own proxy (none for one started elsewhere). */
  adminTokenFor(): { adminToken?: string } {
    const s = this.state;
    return s.kind === 'running' && s.attached ? {} : { adminToken: this.adminToken };
  }

  get port(): number {
    const s = this.state;
    return s.kind === 'running' ? s.port : readConfig().port;
  }

  async start(): Promise<ProxyState> {
    const cfg = readConfig();
    const expectedAbi = this.packagedAbi();
    const node = await resolveNodeRuntime(cfg.nodePath, process.env.PATH, expectedAbi);
    if (!node.ok) {
      this.output.error(node.message);
      void vscode.window.showErrorMessage(node.message, 'Open Settings', 'Get Node.js').then((pick) => {
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'tollgate.nodePath');
        if (pick === 'Get Node.js') void vscode.env.openExternal(vscode.Uri.parse('https://nodejs.org/en/download'));
      });
      return this.state;
    }
    this.output.info(`using Node.js ${node.runtime.version} at ${node.runtime.path}`);
    const dataDir = this.context.globalStorageUri.fsPath;
    mkdirSync(dataDir, { recursive: true });
    const keys = await readProviderKeys(this.context.secrets);
    const present = PROVIDER_KEYS.filter((k) => keys[k.env]).map((k) => k.env);
    this.output.info(`provider keys from SecretStorage: ${present.length ? present.join(', ') : 'none'} (values never logged)`);
    return this.supervisor.start({
      nodePath: node.runtime.path,
      cliPath: join(this.context.extensionPath, 'dist', 'proxy', 'cli.js'),
      port: cfg.port,
      dataDir,
      ...(this.policyFile() ? { policyFile: this.policyFile()! } : {}),
      env: { ...keys, [ENV.adminToken]: this.adminToken },
    });
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  /** `.tollgate/policy.yaml` of the first workspace folder that has one. */
  policyFile(): string | undefined {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      for (const name of ['policy.yaml', 'policy.yml']) {
        const p = join(f.uri.fsPath, '.tollgate', name);
        if (existsSync(p)) return p;
      }
    }
    return undefined;
  }

  /** The native-module ABI the packaged proxy was built for (written by scripts/package.mjs). */
  private packagedAbi(): string | undefined {
    try {
      const info = JSON.parse(readFileSync(join(this.context.extensionPath, 'dist', 'runtime.json'), 'utf8')) as { abi?: string };
      return info.abi;
    } catch {
      return undefined;
    }
  }

  private async explainFailure(s: Extract<ProxyState, { kind: 'failed' }>): Promise<void> {
    if (s.reason === 'port-in-use') {
      const pick = await vscode.window.showErrorMessage(
        `${s.message} Use another port, or stop the other process (find it with "lsof -i :${this.port}" on macOS/Linux, "netstat -ano | findstr :${this.port}" on Windows) and retry.`,
        'Use Another Port',
        'Retry',
        'Show Log',
      );
      if (pick === 'Use Another Port') await this.pickAnotherPort();
      else if (pick === 'Retry') await this.start();
      else if (pick === 'Show Log') this.output.show();
      return;
    }
    if (s.reason === 'bad-policy') {
      const file = this.policyFile();
      const pick = await vscode.window.showErrorMessage(s.message, 'Open Policy', 'Show Log', 'Retry');
      if (pick === 'Open Policy' && file) await vscode.window.showTextDocument(vscode.Uri.file(file));
      else if (pick === 'Show Log') this.output.show();
      else if (pick === 'Retry') await this.start();
      return;
    }
    const pick = await vscode.window.showErrorMessage(s.message, 'Show Log', 'Retry');
    if (pick === 'Show Log') this.output.show();
    else if (pick === 'Retry') await this.start();
  }

  private async pickAnotherPort(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Tollgate proxy port',
      prompt: 'A free port on 127.0.0.1 for the proxy (your apps use this port in their base URL).',
      value: String(this.port + 1),
      validateInput: (v) => (/^\d+$/.test(v) && +v > 0 && +v < 65536 ? undefined : 'a port number 1–65535'),
    });
    if (!value) return;
    // Changing the setting restarts the proxy (see the configuration listener).
    await vscode.workspace.getConfiguration('tollgate').update('proxy.port', Number(value), vscode.ConfigurationTarget.Global);
    if (this.state.kind === 'failed') await this.start();
  }

  dispose(): void {
    this.supervisor.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** For deactivate(): waits for the child to exit. */
  shutdown(): Promise<void> {
    return this.supervisor.stop();
  }
}
