/**
 * VS Code side of proxy supervision: resolves the Node runtime, the data dir and policy file,
 * hands provider keys from SecretStorage to the child's environment (never to disk or the log),
 * logs to the "Tollgate" output channel and turns failures into messages with a fix.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ENV } from '@contract/process';
import { LiveEvents } from '../client/liveEvents';
import { ProxyClient } from '../client/proxyClient';
import { readConfig } from '../config';
import { resolveNodeRuntime } from './nodeRuntime';
import { describeBoth, EXTENSION_BUILD, isOtherBuild } from './build';
import { ProxySupervisor } from './supervisor';
import { baseUrls, type ProxyState } from './state';
import { PROVIDER_KEYS, readProviderKeys } from './providerKeys';
import { editorProxyEnvironment, proxyEnvironment } from './environment';
import { HostApprovals, type PendingHost } from './trust';
import { notificationText } from '../util/notificationText';
import { strangerOnPort } from '../statusBar/format';
import { entryExists, POLICY_NAMES } from '@proxy/policy/files';

/** SecretStorage entry of the admin token the user's windows share. */
const ADMIN_TOKEN_SECRET = 'tollgate.adminToken';

export class ProxyController implements vscode.Disposable {
  private readonly supervisor: ProxySupervisor;
  private readonly stateEmitter = new vscode.EventEmitter<ProxyState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly eventsEmitter = new vscode.EventEmitter<LiveEvents>();
  /** A new event stream replaced the old one (new port or admin token); the dashboard moves its listeners. */
  readonly onDidReplaceEvents = this.eventsEmitter.event;
  /**
   * The user's TOLLGATE_ADMIN_TOKEN, else one random token shared by the user's windows through
   * SecretStorage (sharedAdminToken): a window that finds another window's proxy on the port can then
   * prove it is the user's own and read its API. Another user's or program's process cannot.
   */
  private adminToken = process.env.TOLLGATE_ADMIN_TOKEN?.trim() || randomBytes(24).toString('hex');
  private readonly disposables: vscode.Disposable[] = [];
  private clientCache: ProxyClient | undefined;
  private liveEvents: LiveEvents | undefined;
  /** Provider keys the proxy was started with (SecretStorage or the inherited environment); names only. */
  private keysPresent: string[] | undefined;
  private readonly approvals: HostApprovals;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    // The proxy gets an allow-listed environment, not every secret of the extension host (environment.ts).
    this.supervisor = new ProxySupervisor({ log: (l) => output.info(l), baseEnv: proxyEnvironment(process.env) });
    this.approvals = new HostApprovals(context);
    const sub = this.supervisor.onDidChangeState((s) => {
      this.clientCache = undefined;
      void vscode.commands.executeCommand('setContext', 'tollgate.proxyRunning', s.kind === 'running');
      // Back up: the window's event stream (a new one when the port or token changed) retries now
      // rather than after its backoff.
      if (s.kind === 'running' && this.liveEvents) this.events.reconnectNow();
      this.stateEmitter.fire(s);
      if (s.kind === 'failed') void this.explainFailure(s);
      if (s.kind === 'running' && s.attached && !s.verified) void this.warnUnverified(s.port);
      if (s.kind === 'running' && s.attached && s.verified && s.version) void this.tellOtherVersion(s.port, s.version, s.build);
    });
    this.disposables.push({ dispose: () => sub.dispose() }, this.stateEmitter, this.eventsEmitter);
    this.disposables.push(
      // Restricted mode ignores the workspace policy; once the folder is trusted, load it.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.state.kind !== 'stopped') void this.start();
      }),
      // Another window replaced the shared token (windows that started together): use the one kept.
      this.context.secrets.onDidChange((e) => {
        if (e.key === ADMIN_TOKEN_SECRET) void this.adoptSharedToken();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.followPolicy()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        const restart = ['tollgate.proxy.port', 'tollgate.nodePath', 'http.proxy', 'http.noProxy', 'http.proxySupport', 'http.proxyAuthorization'].some((k) => e.affectsConfiguration(k));
        if (restart && this.state.kind !== 'stopped') {
          void this.start();
        }
      }),
    );
  }

  /**
   * True while start() checks the runtime and reads the keys, before the supervisor takes over:
   * the status bar says "starting" then, not "stopped" (that check can take a second).
   */
  private preparing = false;

  get state(): ProxyState {
    const s = this.supervisor.state;
    return this.preparing && s.kind === 'stopped' ? { kind: 'starting' } : s;
  }

  /**
   * The window's one REST client for the local API, for the proxy's current URL and admin token
   * (replaced when either changes, and on every state change). The status bar and the dashboard
   * use it.
   */
  get api(): ProxyClient {
    const url = baseUrls(this.port).root;
    const { adminToken } = this.adminTokenFor();
    if (!this.clientCache || this.clientCache.baseUrl !== url || this.clientCache.adminToken !== adminToken) this.clientCache = new ProxyClient(url, adminToken);
    return this.clientCache;
  }

  /** The REST client while the proxy is running, else undefined. */
  get client(): ProxyClient | undefined {
    return this.state.kind === 'running' ? this.api : undefined;
  }

  /**
   * The window's one /tollgate/events stream, for the proxy's current URL (replaced when the port
   * or the admin token changes). The status bar and the dashboard subscribe to it; nothing else
   * opens the stream.
   */
  get events(): LiveEvents {
    const url = baseUrls(this.port).root;
    const { adminToken } = this.adminTokenFor();
    if (!this.liveEvents || this.liveEvents.proxyUrl !== url || this.liveEvents.adminToken !== adminToken) {
      const replaced = this.liveEvents !== undefined;
      this.liveEvents?.dispose();
      this.liveEvents = new LiveEvents({ proxyUrl: url, ...(adminToken ? { adminToken } : {}) });
      // The stream drops the moment the proxy stops: check it now rather than at the next interval
      // (a proxy another window started and stopped on closing is otherwise noticed up to 10 s later).
      this.liveEvents.onConnection((c) => {
        if (c.state === 'offline') this.supervisor.checkNow();
      });
      if (replaced) this.eventsEmitter.fire(this.liveEvents);
    }
    return this.liveEvents;
  }

  /**
   * The admin token for the user's own proxy (this window's, or another window's that proved it
   * holds it); none for another process — nor while nothing on the port has proved anything yet
   * (stopped, starting, restarting, failed): the port may be a repository's choice or another
   * user's process, and the token opens every proxy of this user.
   */
  adminTokenFor(): { adminToken?: string } {
    const s = this.state;
    return s.kind === 'running' && (!s.attached || s.verified) ? { adminToken: this.adminToken } : {};
  }

  /** The token of the user's windows: the environment's, else the one in SecretStorage (stored by the first window). */
  private async sharedAdminToken(): Promise<string> {
    if (process.env.TOLLGATE_ADMIN_TOKEN?.trim()) return this.adminToken;
    try {
      const stored = await this.context.secrets.get(ADMIN_TOKEN_SECRET);
      if (stored) return stored;
      await this.context.secrets.store(ADMIN_TOKEN_SECRET, this.adminToken);
      // Another window may have stored its own at the same moment: the one kept is the one to use.
      return (await this.context.secrets.get(ADMIN_TOKEN_SECRET)) || this.adminToken;
    } catch (e) {
      this.output.warn(`could not share the admin token through SecretStorage (${(e as Error).message}); other windows will not be able to use this window's proxy`);
    }
    return this.adminToken;
  }

  /**
   * Whether the proxy has a provider key of its own: undefined until it was started (or when it
   * was started elsewhere, where we cannot know).
   */
  get hasProviderKey(): boolean | undefined {
    const s = this.state;
    if (s.kind === 'running' && s.attached) return undefined;
    return this.keysPresent === undefined ? undefined : this.keysPresent.length > 0;
  }

  get port(): number {
    const s = this.state;
    return s.kind === 'running' ? s.port : readConfig().port;
  }

  /** The start in progress, and whether another was asked for meanwhile. */
  private inFlight: Promise<ProxyState> | undefined;
  private startAgain = false;

  /**
   * Starts (or restarts) the proxy with the current settings, policy and keys. Starts never overlap:
   * a start asked for during another (trust granted and the workspace's settings applied in the same
   * moment, a port picked from a failure message) runs once that one is done. Overlapping starts
   * spawned two proxies; the second found the port taken and "attached" to the first, which the
   * window then no longer owned, so it outlived the window.
   */
  start(): Promise<ProxyState> {
    if (this.inFlight) {
      this.startAgain = true;
      return this.inFlight;
    }
    const run = async (): Promise<ProxyState> => {
      try {
        let state: ProxyState;
        do {
          this.startAgain = false;
          state = await this.startOnce();
        } while (this.startAgain);
        return state;
      } finally {
        this.inFlight = undefined;
      }
    };
    this.inFlight = run();
    return this.inFlight;
  }

  private async startOnce(): Promise<ProxyState> {
    const wasStopped = this.supervisor.state.kind === 'stopped';
    this.preparing = true;
    if (wasStopped) this.stateEmitter.fire(this.state);
    try {
      await this.startPrepared();
    } finally {
      this.preparing = false;
      // Preparation failed before the supervisor ran: back to what the supervisor says.
      if (wasStopped && this.supervisor.state.kind === 'stopped') this.stateEmitter.fire(this.supervisor.state);
    }
    // Read after preparing ended: a start refused before the supervisor ran (no usable Node) is
    // "stopped", not the "starting" shown while it was checked.
    return this.state;
  }

  /**
   * The policy file of this window's latest start (undefined: none). A policy file that appears
   * later (created by hand, a git checkout) only applies from a restart; policyDiagnostics.ts does it.
   */
  launchedPolicy: string | undefined;

  private async startPrepared(): Promise<ProxyState> {
    const stops = this.stops;
    // Set before the first await: a file event during the start must see the start's own file.
    const policyFile = this.policyFile();
    this.launchedPolicy = policyFile;
    if (policyFile) this.tellUnappliedPolicies(policyFile);
    const cfg = readConfig();
    if (cfg.portProblem) return this.supervisor.refuse('bad-port', cfg.portProblem);
    // A relative tollgate.nodePath is read from the first workspace folder, only in a trusted one.
    const folder = vscode.workspace.isTrusted ? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath : undefined;
    const node = await resolveNodeRuntime(cfg.nodePath, undefined, { platform: process.platform, home: homedir(), env: process.env, ...(folder ? { relativeTo: folder } : {}) });
    if (!node.ok) {
      this.output.error(node.message);
      void vscode.window.showErrorMessage(node.message, 'Open Settings').then((pick) => {
        if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'tollgate.nodePath');
      });
      return this.state;
    }
    const from = node.runtime.source === 'vscode' ? "VS Code's runtime" : '"tollgate.nodePath"';
    this.output.info(`using Node.js ${node.runtime.version} from ${from} at ${node.runtime.path}`);
    // The supervisor creates it, and a folder it cannot create is a failure with a message there.
    const dataDir = this.context.globalStorageUri.fsPath;
    this.adminToken = await this.sharedAdminToken();
    const keys = await readProviderKeys(this.context.secrets);
    const present = PROVIDER_KEYS.filter((k) => keys[k.env]).map((k) => k.env);
    this.output.info(`provider keys from SecretStorage: ${present.length ? present.join(', ') : 'none'} (values never logged)`);
    const inherited = PROVIDER_KEYS.filter((k) => !keys[k.env] && process.env[k.env]).map((k) => k.env);
    this.keysPresent = [...present, ...inherited];
    void vscode.commands.executeCommand('setContext', 'tollgate.hasProviderKey', this.keysPresent.length > 0);
    // VS Code's proxy settings, when the environment names no proxy (values never logged: they may hold credentials).
    const http = vscode.workspace.getConfiguration('http');
    const editorProxy = editorProxyEnvironment(process.env, {
      proxy: http.get('proxy'),
      noProxy: http.get('noProxy'),
      strictSSL: http.get('proxyStrictSSL'),
      proxySupport: http.get('proxySupport'),
      proxyAuthorization: http.get('proxyAuthorization'),
    });
    for (const note of editorProxy.notes) this.output.info(note);
    // Stopped while this start was prepared (the window closing after activation): nobody would stop what it spawned.
    if (stops !== this.stops) return this.state;
    const state = await this.supervisor.start({
      nodePath: node.runtime.path,
      cliPath: join(this.context.extensionPath, 'dist', 'proxy', 'cli.js'),
      port: cfg.port,
      dataDir,
      ...(policyFile ? { policyFile } : {}),
      env: { ...editorProxy.env, ...node.runtime.env, ...keys, [ENV.adminToken]: this.adminToken, TOLLGATE_TRUSTED_HOSTS: this.approvals.envValue() },
      ...(this.version ? { version: this.version } : {}),
      ...(EXTENSION_BUILD ? { build: EXTENSION_BUILD } : {}),
    });
    if (state.kind === 'running' && !state.attached) void this.reviewHeldHosts();
    return state;
  }

  /** Asks about providers the proxy holds (trust.pending in /healthz); restarts it when one is allowed. */
  private async reviewHeldHosts(): Promise<void> {
    try {
      const health = await this.client?.get<{ trust?: { pending?: PendingHost[] } }>('/healthz');
      const pending = health?.trust?.pending ?? [];
      if (pending.length && (await this.approvals.review(pending))) await this.start();
    } catch (e) {
      this.output.warn(`could not read the proxy's held providers: ${(e as Error).message}`);
    }
  }

  /** Takes the token SecretStorage kept when it is not ours, restarting a running proxy with it; true when it did. */
  private async adoptSharedToken(): Promise<boolean> {
    if (process.env.TOLLGATE_ADMIN_TOKEN?.trim()) return false;
    const kept = await Promise.resolve(this.context.secrets.get(ADMIN_TOKEN_SECRET)).then(undefined, () => undefined);
    if (!kept || kept === this.adminToken) return false;
    this.adminToken = kept;
    if (this.state.kind === 'running') await this.start();
    return true;
  }

  /** This extension's version (package.json), when VS Code says. */
  private get version(): string | undefined {
    const v: unknown = this.context.extension?.packageJSON?.version;
    return typeof v === 'string' && v ? v : undefined;
  }

  /** Proxy versions already told about (once per port and version, not on every health-driven re-attach). */
  private readonly toldVersions = new Set<string>();

  /**
   * The user's proxy on the port is another version (a window not yet reloaded after an update, an
   * older or newer `tollgate start`): say so once, or what this version added fails with no reason given.
   */
  private async tellOtherVersion(port: number, theirVersion: string, theirBuild?: string): Promise<void> {
    const version = this.version;
    if (!version || !isOtherBuild({ version, build: EXTENSION_BUILD }, { version: theirVersion, build: theirBuild })) return;
    const { ours, theirs } = describeBoth({ version, build: EXTENSION_BUILD }, { version: theirVersion, build: theirBuild });
    if (this.toldVersions.has(`${port} ${theirs}`)) return;
    this.toldVersions.add(`${port} ${theirs}`);
    // `theirs` is whatever the process on the port answered: never a link.
    const pick = await vscode.window.showWarningMessage(
      notificationText(`The Tollgate proxy on port ${port} is version ${theirs}, started by another window or a terminal; this extension is ${ours}. Reload that window (or restart its \`tollgate start\`) so both run ${ours}.`),
      'Show Log',
    );
    await this.runFix(pick);
  }

  private async warnUnverified(port: number): Promise<void> {
    // Windows that started together may each have stored a token before seeing the other's: check
    // again with the one SecretStorage kept before calling the proxy a stranger.
    if (await this.adoptSharedToken()) return;
    const pick = await vscode.window.showWarningMessage(
      strangerOnPort(port),
      'Use Another Port',
      'Show Log',
    );
    await this.runFix(pick);
  }

  /** Counts stops, so that a start prepared across one launches nothing. */
  private stops = 0;

  stop(): Promise<void> {
    this.stops++;
    this.startAgain = false;
    return this.supervisor.stop();
  }

  /** `.tollgate/policy.yaml` of the first workspace folder that has one: the proxy's policy. */
  policyFile(): string | undefined {
    // Restricted mode: a repository's policy decides where keys go, so it is not loaded until the folder is trusted.
    return vscode.workspace.isTrusted ? this.workspacePolicyFile() : undefined;
  }

  /** The same file whether or not the folder is trusted (to say it is ignored rather than absent). */
  workspacePolicyFile(): string | undefined {
    return this.workspacePolicyFiles()[0];
  }

  /**
   * Each workspace folder's policy file, in folder order (a multi-root workspace can have several).
   * A name that is there counts even when it cannot be read (a symlink to a checkout that is
   * missing): the proxy then stops and says why, as `tollgate start` does, where `existsSync` (false
   * for a dangling link) had it start on the built-in policy — no budgets — without a word.
   */
  workspacePolicyFiles(): string[] {
    const files: string[] = [];
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const p = POLICY_NAMES.map((name) => join(f.uri.fsPath, name)).find(entryExists);
      if (p) files.push(p);
    }
    return files;
  }

  /** The sets of unapplied policy files already reported (once each, not on every restart). */
  private readonly toldUnapplied = new Set<string>();

  /**
   * One proxy runs one policy: in a multi-root workspace where several folders have one, say which
   * applies and which do not, instead of leaving a folder's budgets silently unenforced.
   */
  private tellUnappliedPolicies(applied: string): void {
    const others = this.workspacePolicyFiles().filter((f) => f !== applied);
    const key = [applied, ...others].join('\n');
    if (!others.length || this.toldUnapplied.has(key)) return;
    this.toldUnapplied.add(key);
    const rel = (f: string) => vscode.workspace.asRelativePath(f);
    const line = `Tollgate applies one policy per window: the proxy runs ${rel(applied)} (the first workspace folder with a policy); not applied: ${others.map(rel).join(', ')}.`;
    this.output.warn(line);
    void vscode.window.showWarningMessage(notificationText(line), 'Open Policy').then((pick) => {
      if (pick) void vscode.commands.executeCommand('tollgate.openPolicy');
    });
  }

  /**
   * Folders added or removed, or the policy file deleted (the proxy alone keeps a deleted file's last
   * version, taken for a save in progress): the proxy's policy is the first folder's that has one,
   * which may now be another file (or none). The window's own proxy is restarted with it.
   */
  async followPolicy(): Promise<void> {
    const s = this.state;
    if (s.kind === 'stopped' || (s.kind === 'running' && s.attached)) return;
    const file = this.policyFile();
    if (file === this.launchedPolicy) return;
    this.output.info(`the workspace's policy changed; restarting the proxy with ${file ?? 'the built-in policy'}`);
    await this.start();
  }

  private async explainFailure(s: Extract<ProxyState, { kind: 'failed' }>): Promise<void> {
    const show = vscode.window.showErrorMessage;
    // The message quotes the proxy's own failure line, which quotes the policy file: no links from it.
    const message = notificationText(s.message);
    const pick =
      s.reason === 'port-in-use'
        ? await show(
            `${message} Use another port, or stop the other process (find it with "lsof -i :${this.port}" on macOS/Linux, "netstat -ano | findstr :${this.port}" on Windows) and retry.`,
            'Use Another Port',
            'Retry',
            'Show Log',
          )
        : s.reason === 'bad-policy'
          ? await show(`${message} It starts again by itself once the saved file is valid.`, 'Open Policy', 'Show Log', 'Retry')
          : s.reason === 'bad-port'
            ? await show(`${message} The proxy starts once the setting is fixed.`, 'Open Settings')
            : await show(message, 'Show Log', 'Retry');
    await this.runFix(pick);
  }

  /** Runs the button the user picked on a failure or warning message. */
  private async runFix(pick: 'Use Another Port' | 'Retry' | 'Show Log' | 'Open Policy' | 'Open Settings' | undefined): Promise<void> {
    if (pick === 'Use Another Port') await this.pickAnotherPort();
    else if (pick === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'tollgate.proxy.port');
    else if (pick === 'Retry') await this.start();
    else if (pick === 'Show Log') this.output.show();
    // Opens at the first problem's line and column (see policy/policyDiagnostics.ts).
    else if (pick === 'Open Policy') await vscode.commands.executeCommand('tollgate.openPolicy');
  }

  private async pickAnotherPort(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Tollgate proxy port',
      prompt: 'A free port on 127.0.0.1 for the proxy (your apps use this port in their base URL).',
      value: String(this.port < 65535 ? this.port + 1 : this.port - 1), // 65536 is no port
      validateInput: (v) => (/^\d+$/.test(v) && +v > 0 && +v < 65536 ? undefined : 'a port number 1–65535'),
    });
    if (!value) return;
    // Written where the port in use comes from: the workspace's own value (a team's
    // .vscode/settings.json) wins over the user's, so a user-level write would restart the proxy on
    // the same taken port. Changing the setting restarts the proxy (see the configuration listener).
    const settings = vscode.workspace.getConfiguration('tollgate');
    const fromWorkspace = vscode.workspace.isTrusted && settings.inspect('proxy.port')?.workspaceValue !== undefined;
    await settings.update('proxy.port', Number(value), fromWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    if (this.state.kind === 'failed') await this.start();
  }

  dispose(): void {
    this.stops++;
    this.liveEvents?.dispose();
    this.supervisor.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** For deactivate(): waits for the child to exit. */
  shutdown(): Promise<void> {
    return this.stop();
  }
}
