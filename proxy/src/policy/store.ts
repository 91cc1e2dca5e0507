/**
 * Holds the current policy and hot-reloads it from disk with chokidar.
 * An invalid edit keeps the last good policy and reports where the file is wrong.
 *
 * The file is read through its real path (a symlink is resolved on every read), only when that
 * target is a regular YAML file of sane size, so a policy path pointing at /etc/shadow is refused
 * without a word of its contents. The directory is watched rather than the file, so replacing a
 * symlink by a file (or the reverse, or an editor's rename-on-save) is still noticed; the symlink's
 * target is watched too. Every applied policy also passes the trust rules (policy/trust.ts).
 */
import { EventEmitter } from 'node:events';
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { formatProblem, locatePath, parsePolicy, type PolicyProblem } from './load';
import { DEFAULT_POLICY, type Policy } from './schema';
import { checkPolicyTrust, userTrustFromEnv, type TrustFinding, type UserTrust } from './trust';

export interface PolicyStoreEvents {
  change: [Policy];
  invalid: [PolicyProblem[]];
}

export interface PolicyStoreOptions {
  /** The user's environment (trust settings: TOLLGATE_ALLOW_KEY_ENV, TOLLGATE_TRUSTED_HOSTS…). */
  env?: NodeJS.ProcessEnv;
}

/** Policies are small; anything bigger is not one. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** Reads a policy file safely: problems (never the file's contents) when it is not a readable YAML file. */
export function readPolicyText(file: string): { text: string } | { problem: string } {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    return { problem: `cannot resolve the policy path (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (!/\.ya?ml$/i.test(real)) return { problem: `the policy path resolves to ${real}, which is not a .yaml/.yml file; refusing to read it` };
  const st = statSync(real);
  if (!st.isFile()) return { problem: `the policy path resolves to ${real}, which is not a regular file` };
  if (st.size > MAX_POLICY_BYTES) return { problem: `the policy file is ${st.size} bytes; the limit is ${MAX_POLICY_BYTES}` };
  return { text: readFileSync(real, 'utf8') };
}

function problemAt(file: string, message: string, path = ''): PolicyProblem {
  return { file, line: 1, column: 1, path, message };
}

export class PolicyStore extends EventEmitter<PolicyStoreEvents> {
  private current: Policy;
  private watcher: FSWatcher | undefined;
  private watchedTarget: string | undefined;
  lastProblems: PolicyProblem[] = [];
  /** Providers the policy file points at hosts the user has not approved (held, see trust.ts). */
  trustFindings: TrustFinding[] = [];

  private constructor(
    readonly file: string | undefined,
    initial: Policy,
    private readonly trust: UserTrust,
  ) {
    super();
    this.current = initial;
  }

  /** Load once; throws a readable error when the file exists but is invalid (a bad start is loud). */
  static open(file: string | undefined, opts: PolicyStoreOptions = {}): PolicyStore {
    const trust = userTrustFromEnv(opts.env ?? process.env);
    if (!file || !existsSync(file)) return new PolicyStore(file, DEFAULT_POLICY, trust);
    const store = new PolicyStore(resolve(file), DEFAULT_POLICY, trust);
    const result = store.evaluate();
    if (!result.ok) throw new PolicyError(result.problems);
    store.current = result.policy;
    store.trustFindings = result.findings;
    return store;
  }

  /** An in-memory policy (tests, benchmarks): trusted like the code that passes it, but the key-name and link-local rules still apply. */
  static fromPolicy(policy: Policy, opts: PolicyStoreOptions = {}): PolicyStore {
    const trust = userTrustFromEnv(opts.env ?? {});
    const { problems } = checkPolicyTrust(policy, trust, false);
    if (problems.length) throw new PolicyError(problems.map((p) => problemAt('(policy)', p.message, p.path)));
    return new PolicyStore(undefined, policy, trust);
  }

  get policy(): Policy {
    return this.current;
  }

  /** Replace the policy in memory (tests, admin API). */
  set(policy: Policy): void {
    this.current = policy;
    this.emit('change', policy);
  }

  private evaluate(): { ok: true; policy: Policy; findings: TrustFinding[] } | { ok: false; problems: PolicyProblem[] } {
    const file = this.file!;
    let text = '';
    if (existsSync(file) || isDanglingLink(file)) {
      const read = readPolicyText(file);
      if ('problem' in read) return { ok: false, problems: [problemAt(file, read.problem)] };
      text = read.text;
    }
    let result;
    try {
      result = parsePolicy(text, file);
    } catch (err) {
      return { ok: false, problems: [problemAt(file, (err as Error).message)] };
    }
    if (!result.ok) return result;
    const checked = checkPolicyTrust(result.policy, this.trust, true);
    if (checked.problems.length) return { ok: false, problems: checked.problems.map((p) => ({ file, ...locatePath(text, p.path), path: p.path, message: p.message })) };
    return { ok: true, policy: result.policy, findings: checked.findings };
  }

  reload(): boolean {
    if (!this.file) return false;
    const result = this.evaluate();
    this.watchTarget();
    if (!result.ok) {
      this.lastProblems = result.problems;
      this.emit('invalid', result.problems);
      return false;
    }
    this.lastProblems = [];
    this.trustFindings = result.findings;
    this.set(result.policy);
    return true;
  }

  /** Starts watching; resolves once the watcher has scanned, so an edit from then on is seen. */
  watch(): Promise<void> {
    if (!this.file || this.watcher) return Promise.resolve();
    const name = basename(this.file);
    // The directory, not the file: chokidar follows a watched file's symlink and loses track when
    // the link is replaced; a directory watch sees adds, unlinks and renames of the entry itself.
    this.watcher = watch(dirname(this.file), {
      ignoreInitial: true,
      depth: 0,
      awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 },
    });
    const onEvent = (path: string) => {
      if (basename(path) === name || (this.watchedTarget !== undefined && resolve(path) === this.watchedTarget)) this.reload();
    };
    // An error before the scan (a directory that vanished) must not hang the proxy's start.
    const ready = new Promise<void>((r) => this.watcher!.once('ready', () => r()).once('error', () => r()));
    this.watcher.on('add', onEvent).on('change', onEvent).on('unlink', onEvent);
    this.watchTarget();
    return ready;
  }

  /** When the policy path is a symlink, also watch the file it points at (edits happen there). */
  private watchTarget(): void {
    if (!this.watcher || !this.file) return;
    let target: string | undefined;
    try {
      target = lstatSync(this.file).isSymbolicLink() ? realpathSync(this.file) : undefined;
    } catch {
      target = undefined;
    }
    if (target === this.watchedTarget) return;
    if (this.watchedTarget) this.watcher.unwatch(this.watchedTarget);
    this.watchedTarget = target;
    if (target) this.watcher.add(target);
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
  }
}

function isDanglingLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

export class PolicyError extends Error {
  constructor(readonly problems: PolicyProblem[]) {
    super(`invalid policy:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}
