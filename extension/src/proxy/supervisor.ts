/**
 * Runs the proxy as its own Node process and keeps it alive: health check on GET /healthz, restart
 * with backoff when it dies or stops answering, a clear failure when its port is taken (the CLI
 * exits 3). No `vscode` import, so it is tested with real processes outside VS Code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { HealthDataFileProblem } from '@contract/api';
import { EXIT_CODES } from '@contract/process';
import { existsSync, mkdirSync } from 'node:fs';
import { DEFAULT_BACKOFF, RestartBackoff, type BackoffOptions } from './backoff';
import { baseUrls, type ProxyState } from './state';
import { LineSplitter } from '../util/lines';
import { FailureLines, policyReason } from './failureLines';
import { verifyProxyIdentity, type Identity } from './identity';
import { clearOwner, KILL_AFTER_MS, orphanOnPort, stopProcess, writeOwner } from './ownerRecord';
import { describeBoth, describeBuild, isOtherBuild } from './build';

export interface LaunchSpec {
  nodePath: string;
  cliPath: string;
  port: number;
  dataDir: string;
  policyFile?: string;
  /** Added to the inherited environment: provider keys, TOLLGATE_ADMIN_TOKEN. Never logged. */
  env: Record<string, string>;
  /** This extension's version: a proxy found on the port that says another one is named in the log. */
  version?: string;
  /** This extension's build identity (build.ts): tells another build of the same version on the port. */
  build?: string;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  /** Time allowed from spawn to a healthy /healthz. */
  startTimeoutMs?: number;
  /** Interval of the liveness check once running. */
  healthIntervalMs?: number;
  /** Consecutive failed liveness checks before the process is restarted. */
  unhealthyAfter?: number;
  backoff?: BackoffOptions;
  /** Environment the child inherits (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
}

export interface HealthInfo {
  status: string;
  version?: string;
  /** The proxy's build identity (absent from proxies before it, and from sources). */
  build?: string;
  /** Seconds since the proxy started (tells a recorded orphan from a recycled pid, ownerRecord.ts). */
  uptimeSec?: number;
  /** The proxy stopped writing to its data file: newer format, or removed or replaced (it refuses calls until restarted). */
  dataFileProblem?: HealthDataFileProblem;
}

/** `dataFileProblem` of a /healthz body, when well formed (the message is shown, so bounded). */
function dataFileProblemOf(v: unknown): { dataFileProblem: HealthDataFileProblem } | Record<string, never> {
  const n = v as Partial<HealthDataFileProblem> | null | undefined;
  if (!n || typeof n !== 'object' || (n.reason !== 'newer-format' && n.reason !== 'replaced') || typeof n.message !== 'string' || !n.message) return {};
  const format = typeof n.format === 'number' && Number.isInteger(n.format) ? { format: n.format } : {};
  return { dataFileProblem: { reason: n.reason, ...format, message: n.message.slice(0, 1000) } };
}

/**
 * How long a /healthz or identity probe that timed out at its first, short timeout gets on its one
 * retry. On a loaded machine (CI, a laptop compiling) a live proxy can take seconds to answer: read
 * as dead, it was restarted for nothing, or taken for "another program on the port".
 */
export const PATIENT_TIMEOUT_MS = 10_000;

export async function checkHealth(port: number, timeoutMs = 2_000): Promise<HealthInfo | undefined> {
  const health = await probeHealth(port, timeoutMs);
  return health === 'refused' ? undefined : health;
}

/**
 * probeHealth, where only "refused" and a bad answer count at once: a probe that timed out is
 * asked again with PATIENT_TIMEOUT_MS (slow is not dead), and counts as a failure (undefined) only
 * when that one times out too.
 */
async function probeHealth(port: number, timeoutMs: number): Promise<HealthInfo | 'refused' | undefined> {
  const first = await probeHealthOnce(port, timeoutMs);
  if (first !== 'slow') return first;
  const second = await probeHealthOnce(port, Math.max(timeoutMs, PATIENT_TIMEOUT_MS));
  return second === 'slow' ? undefined : second;
}

/** One probe, telling "nothing listens on the port" ('refused') and "no answer in time" ('slow') from a process that does not answer well (undefined). */
async function probeHealthOnce(port: number, timeoutMs: number): Promise<HealthInfo | 'refused' | 'slow' | undefined> {
  try {
    const res = await fetch(`${baseUrls(port).root}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as Partial<HealthInfo>;
    if (body.status !== 'ok') return undefined;
    const uptime = typeof body.uptimeSec === 'number' && Number.isFinite(body.uptimeSec) ? { uptimeSec: body.uptimeSec } : {};
    const build = typeof body.build === 'string' && body.build ? { build: body.build.slice(0, 64) } : {};
    return { status: body.status, ...(typeof body.version === 'string' && body.version ? { version: body.version } : {}), ...build, ...uptime, ...dataFileProblemOf(body.dataFileProblem) };
  } catch (e) {
    if ((e as { name?: unknown }).name === 'TimeoutError') return 'slow';
    return (e as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED' ? 'refused' : undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long a window waits for a shared proxy that stopped to come back (its owner restarting it) before starting its own. */
const TAKE_OVER_GRACE_MS = 2_000;

export class ProxySupervisor {
  private child: ChildProcess | undefined;
  private spec: LaunchSpec | undefined;
  private current: ProxyState = { kind: 'stopped' };
  private readonly listeners = new Set<(s: ProxyState) => void>();
  private readonly backoff: RestartBackoff;
  /** Bumped by start/stop so that callbacks of an older run do nothing. */
  private generation = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  /** Runs the pending liveness check at once (set while one is scheduled). */
  private healthNow: (() => void) | undefined;
  private healthySince = 0;
  private readonly opts: Required<Omit<SupervisorOptions, 'backoff' | 'baseEnv'>> & { baseEnv: NodeJS.ProcessEnv };

  constructor(options: SupervisorOptions) {
    this.opts = {
      log: options.log,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      healthIntervalMs: options.healthIntervalMs ?? 10_000,
      unhealthyAfter: options.unhealthyAfter ?? 3,
      baseEnv: options.baseEnv ?? process.env,
    };
    this.backoff = new RestartBackoff(options.backoff ?? DEFAULT_BACKOFF);
  }

  get state(): ProxyState {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  onDidChangeState(listener: (s: ProxyState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Starts (or restarts, when already running) with this launch spec; resolves once healthy or failed. */
  async start(spec: LaunchSpec): Promise<ProxyState> {
    const stopping = this.stop();
    // stop() moved to a new generation; a stop while the old proxy exits (the window closing mid-restart) moves it on: no launch.
    const gen = this.generation;
    await stopping;
    if (gen !== this.generation) return this.current;
    this.spec = spec;
    this.backoff.reset();
    return this.launch(gen);
  }

  /** Every stop() waits for these exits: a second stop returned with the proxy still up, a restart launched beside it. */
  private exits: Promise<unknown> = Promise.resolve();

  async stop(): Promise<void> {
    this.generation++;
    this.clearTimers();
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.opts.log(`stopping proxy (pid ${child.pid})`);
      if (this.spec) clearOwner(this.spec.dataDir, child.pid);
      this.end(child);
    }
    await this.exits;
    if (this.current.kind !== 'stopped') this.setState({ kind: 'stopped' });
  }

  private end(child: ChildProcess): Promise<void> {
    const gone = terminate(child);
    this.exits = Promise.all([this.exits, gone]);
    return gone;
  }

  /**
   * Something says the proxy may be gone (the window's event stream dropped): run the liveness check
   * now instead of at its interval, so a window using another window's proxy that has just stopped
   * starts its own in a moment rather than up to `healthIntervalMs` later.
   */
  checkNow(): void {
    if (this.current.kind === 'running' && this.healthTimer) this.healthNow?.();
  }

  /** Stops any proxy and reports a launch that cannot work (a bad setting) as failed, without trying it. */
  async refuse(reason: Extract<ProxyState, { kind: 'failed' }>['reason'], message: string): Promise<ProxyState> {
    await this.stop();
    return this.fail(reason, message);
  }

  dispose(): void {
    void this.stop();
    this.listeners.clear();
  }

  private async launch(gen: number): Promise<ProxyState> {
    const spec = this.spec;
    if (!spec) throw new Error('ProxySupervisor.launch without a spec');
    if (!existsSync(spec.cliPath)) {
      return this.fail('missing-cli', `The proxy is missing at ${spec.cliPath}; reinstall the extension (or run "npm run build" in a development checkout).`);
    }
    this.setState({ kind: 'starting' });
    // Another Tollgate already serving this port (another window, a terminal): use it.
    const existing = await checkHealth(spec.port, 1_000);
    if (gen !== this.generation) return this.current;
    if (existing) {
      const identity = await this.identify(spec);
      if (gen !== this.generation) return this.current;
      // Unless it is one an extension host that is gone left running (ownerRecord.ts): nobody would
      // ever stop it, and after an update it is the old version. Replace it with this window's own.
      const orphan = identity === 'verified' ? orphanOnPort(spec.dataDir, spec.port, existing.uptimeSec) : undefined;
      if (!orphan) return this.attach(gen, spec.port, existing, identity, spec);
      this.opts.log(
        `port ${spec.port} is served by a Tollgate proxy (pid ${orphan.pid}${existing.version ? `, ${describeBuild(existing.version, existing.build)}` : ''}) left running by an extension host that is gone (pid ${orphan.hostPid}); stopping it and starting this window's own`,
      );
      await stopProcess(orphan.pid);
      clearOwner(spec.dataDir, orphan.pid);
      if (gen !== this.generation) return this.current;
    }
    const args = [spec.cliPath, 'start', '--port', String(spec.port), '--data-dir', spec.dataDir];
    if (spec.policyFile) args.push('--policy', spec.policyFile);
    this.opts.log(`starting: ${spec.nodePath} ${args.join(' ')}`);
    const secrets = Object.values(spec.env).filter((v) => v.length >= 8);
    const redact = (line: string) => secrets.reduce((l, s) => l.split(s).join('***'), line);
    // Run in the data directory, not the extension host's working directory (wherever VS Code was
    // launched from): without --policy the CLI reads ./.tollgate/policy.yaml, which would load a
    // repository's policy in Restricted Mode, or another project's, behind the user's back.
    try {
      mkdirSync(spec.dataDir, { recursive: true });
    } catch (e) {
      return this.fail('crashed', `Could not create the proxy's data directory ${spec.dataDir}: ${(e as Error).message}`);
    }
    const spawnedAt = Date.now();
    const child = spawn(spec.nodePath, args, {
      cwd: spec.dataDir,
      env: { ...this.opts.baseEnv, ...spec.env },
      // The IPC channel carries STOP_MESSAGE (stopProcess): the only stop a proxy on Windows can catch.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      windowsHide: true,
    });
    this.child = child;
    const out = new LineSplitter((l) => this.opts.log(`[proxy] ${redact(l)}`));
    const failure = new FailureLines();
    const err = new LineSplitter((l) => {
      const line = redact(l);
      this.opts.log(`[proxy:err] ${line}`);
      failure.push(line);
    });
    child.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => err.push(c));

    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (e) => {
        this.opts.log(`could not start ${spec.nodePath}: ${e.message}`);
        resolve({ code: null, signal: null });
      });
      child.once('exit', (code, signal) => {
        out.flush();
        err.flush();
        resolve({ code, signal });
      });
    });
    const handled = exited.then((x) => this.onExit(gen, child, x.code, x.signal, failure.text));

    // Wait for health, an early exit, or the start timeout.
    const deadline = Date.now() + this.opts.startTimeoutMs;
    let delay = 50;
    while (gen === this.generation && child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      const health = await checkHealth(spec.port, 1_000);
      if (gen !== this.generation) break;
      // Whoever bound the port first answers /healthz too: only a proxy that proves our token is ours. No answer is no
      // proof (the child may have died since /healthz; onExit restarts it); stopped meanwhile, it is not reported running.
      if (health && child.exitCode === null && (await this.identify(spec)) === 'verified' && gen === this.generation && child.exitCode === null) {
        this.healthySince = Date.now();
        if (child.pid !== undefined) {
          writeOwner(spec.dataDir, {
            pid: child.pid,
            hostPid: process.pid,
            port: spec.port,
            spawnedAt,
            healthyAt: this.healthySince,
            ...(health.version ? { version: health.version } : {}),
            ...(health.build ? { build: health.build } : {}),
          });
        }
        this.setState({ kind: 'running', ...this.urlOf(spec.port), pid: child.pid, attached: false, ...(health.version ? { version: health.version } : {}), ...(health.build ? { build: health.build } : {}), ...dataFileProblemOf(health.dataFileProblem) });
        this.opts.log(`proxy healthy on ${baseUrls(spec.port).root} (pid ${child.pid})`);
        this.scheduleHealthCheck(gen);
        return this.current;
      }
      await Promise.race([sleep(delay), exited]);
      delay = Math.min(500, delay * 2);
    }
    if (gen !== this.generation) return this.current;
    if (child.exitCode === null && child.signalCode === null) {
      this.opts.log(`proxy did not become healthy within ${this.opts.startTimeoutMs} ms; stopping it`);
      this.child = undefined;
      await this.end(child);
      this.scheduleRestart(gen, 'did not become healthy');
      return this.current;
    }
    // It exited: onExit decides what happens next; report its outcome.
    await handled;
    return this.current;
  }

  /** Does the process on the port prove it holds this launch's admin token? (identity.ts) */
  private async identify(spec: LaunchSpec): Promise<Identity> {
    const token = spec.env.TOLLGATE_ADMIN_TOKEN;
    if (!token) return 'unverified';
    const root = baseUrls(spec.port).root;
    const first = await verifyProxyIdentity(root, token);
    // No answer in time (or no answer at all): asked once more, patiently, like /healthz — a slow
    // proxy of the user's read "cannot prove it is your Tollgate proxy".
    return first === 'unreachable' ? verifyProxyIdentity(root, token, PATIENT_TIMEOUT_MS) : first;
  }

  private attach(gen: number, port: number, health: HealthInfo, identity: Identity, own: Pick<LaunchSpec, 'version' | 'build'>): ProxyState {
    const verified = identity === 'verified';
    this.opts.log(
      verified
        ? `port ${port} is served by a Tollgate proxy this window did not start, holding the same admin token${health.version ? ` (${health.version})` : ''}; using it`
        : `port ${port} is served by a process this window did not start and that cannot prove it is your Tollgate proxy${health.version ? ` (says ${health.version})` : ''}; apps pointed at it would send it their keys`,
    );
    // Another window not yet reloaded after an update (or an older `tollgate start`) runs it: what
    // this version added is missing from it until whoever started it restarts it.
    // The same version from other sources (a dev build left running) is another build too (build.ts).
    if (verified && own.version && health.version && isOtherBuild(own, health)) {
      const { ours, theirs } = describeBoth({ version: own.version, build: own.build }, { version: health.version, build: health.build });
      this.opts.log(`the proxy on port ${port} is Tollgate ${theirs}; this extension is ${ours}. Until the window or terminal that started it restarts it (on ${ours}), what differs between the two builds may be missing or fail`);
    }
    this.healthySince = Date.now();
    this.setState({ kind: 'running', ...this.urlOf(port), attached: true, verified, ...(health.version ? { version: health.version } : {}), ...(health.build ? { build: health.build } : {}), ...dataFileProblemOf(health.dataFileProblem) });
    this.scheduleHealthCheck(gen);
    return this.current;
  }

  private urlOf(port: number): { url: string; port: number } {
    return { url: baseUrls(port).root, port };
  }

  /** `said`: the reason the process gave on stderr (failureLines.ts), if any. */
  private async onExit(gen: number, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, said?: string): Promise<void> {
    if (gen !== this.generation || this.child !== child) return;
    this.child = undefined;
    this.clearTimers();
    const spec = this.spec!;
    clearOwner(spec.dataDir, child.pid);
    this.opts.log(`proxy exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    if (code === EXIT_CODES.portInUse) {
      // Another Tollgate on this port (another window, a terminal) is fine: use it.
      const health = await checkHealth(spec.port);
      if (gen !== this.generation) return;
      if (health) {
        const identity = await this.identify(spec);
        if (gen === this.generation) this.attach(gen, spec.port, health, identity, spec);
        return;
      }
      this.fail('port-in-use', `Port ${spec.port} is in use by another program, so the Tollgate proxy cannot start.`);
      return;
    }
    if (code === EXIT_CODES.badConfig) {
      // Exit 4 is also a malformed TOLLGATE_CACHE_KEY: only blame the policy file when there is one and the CLI named it.
      if (spec.policyFile && (said === undefined || /\bpolicy\b/i.test(said))) {
        // What the CLI found, where: "has errors" alone was also said of a link to a missing file.
        const why = policyReason(said, spec.policyFile);
        this.fail(
          'bad-policy',
          why
            ? `The proxy did not start because of the policy file ${spec.policyFile}: ${why}. Fix it (Problems shows where).`
            : `The policy file ${spec.policyFile} has errors, so the proxy did not start. Fix it (Problems shows where).`,
        );
      } else {
        this.fail('bad-config', `The Tollgate proxy did not start: ${said ?? `its configuration was refused (exit code ${code})`}.`);
      }
      return;
    }
    if (code === EXIT_CODES.usage || code === EXIT_CODES.dataDirUnusable) {
      // The CLI refused its command line or data folder (a file in its place, a damaged or newer database): so would every restart.
      this.fail('bad-config', `The Tollgate proxy did not start: ${said ?? `it refused its command line or data folder ${spec.dataDir} (exit code ${code})`}.`);
      return;
    }
    if (code === null && signal === null) {
      this.fail('no-node', `Could not run ${spec.nodePath}. Set "tollgate.nodePath" to a Node.js 20.18+ executable.`);
      return;
    }
    this.scheduleRestart(gen, `${signal ? `killed by ${signal}` : `exited with code ${code}`}${said ? `: ${said}` : ''}`);
  }

  private scheduleRestart(gen: number, reason: string): void {
    const healthyFor = this.healthySince ? Date.now() - this.healthySince : 0;
    this.healthySince = 0;
    const delay = this.backoff.next(healthyFor);
    if (delay === undefined) {
      this.fail('crashed', `The Tollgate proxy keeps stopping (${reason}); gave up after ${this.backoff.attempts} restarts. See the "Tollgate" output for its log.`);
      return;
    }
    this.opts.log(`restarting in ${delay} ms (${reason}; attempt ${this.backoff.attempts})`);
    this.setState({ kind: 'restarting', inMs: delay, attempt: this.backoff.attempts, reason });
    this.restartTimer = setTimeout(() => {
      if (gen === this.generation) void this.launch(gen);
    }, delay);
  }

  private scheduleHealthCheck(gen: number): void {
    let misses = 0;
    const tick = async () => {
      if (gen !== this.generation || this.current.kind !== 'running') return;
      const health = await probeHealth(this.current.port, 2_000);
      if (gen !== this.generation) return;
      if (health === 'refused' && !this.child) {
        // The proxy this window used but did not start is gone (its window closed, or its terminal's
        // `tollgate start` stopped): nothing serves the port, so waiting out the missed checks only
        // leaves the user's apps refused. After a short grace — the window that owns it may just be
        // restarting it (a changed setting), and then this window keeps using that one — start or
        // find one now.
        this.opts.log(`the proxy on port ${this.current.port} that this window did not start has stopped; starting this window's own unless it comes back within ${TAKE_OVER_GRACE_MS} ms`);
        await sleep(TAKE_OVER_GRACE_MS);
        if (gen === this.generation) void this.launch(gen);
        return;
      }
      misses = health && health !== 'refused' ? 0 : misses + 1;
      // The proxy stopped writing to its data file (a newer Tollgate migrated it, or it was removed or
      // replaced): still answering, so not restarted behind the user's back (the same build refuses a
      // newer file at start), but no longer "running" as usual.
      const running = this.current;
      if (health && health !== 'refused' && running.kind === 'running' && health.dataFileProblem && running.dataFileProblem?.message !== health.dataFileProblem.message) {
        this.opts.log(health.dataFileProblem.message);
        this.setState({ ...running, dataFileProblem: health.dataFileProblem });
      }
      if (misses >= this.opts.unhealthyAfter) {
        this.opts.log(`proxy failed ${misses} health checks`);
        const child = this.child;
        this.child = undefined;
        if (child) {
          if (this.spec) clearOwner(this.spec.dataDir, child.pid);
          await this.end(child);
        }
        if (gen === this.generation) this.scheduleRestart(gen, 'stopped answering /healthz');
        return;
      }
      arm();
    };
    // healthTimer is set only while a check waits to run: checkNow() during a check in flight (a
    // slow proxy's may take PATIENT_TIMEOUT_MS) would start a second loop of checks beside it.
    const arm = () => {
      this.healthTimer = setTimeout(() => {
        this.healthTimer = undefined;
        void tick();
      }, this.opts.healthIntervalMs);
    };
    this.healthNow = () => {
      if (this.healthTimer) clearTimeout(this.healthTimer);
      this.healthTimer = undefined;
      void tick();
    };
    arm();
  }

  private fail(reason: Extract<ProxyState, { kind: 'failed' }>['reason'], message: string): ProxyState {
    this.opts.log(message);
    this.setState({ kind: 'failed', reason, message });
    return this.current;
  }

  private clearTimers(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.healthTimer) clearTimeout(this.healthTimer);
    this.restartTimer = undefined;
    this.healthTimer = undefined;
  }

  private setState(s: ProxyState): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }
}

/** Only our own child, which has not exited yet: its pid is still its own. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) await stopProcess(child.pid, KILL_AFTER_MS, child);
}
