/**
 * Holds the current policy and hot-reloads it from disk with chokidar.
 * An invalid edit keeps the last good policy and reports where the file is wrong.
 *
 * The file is read through its real path (a symlink is resolved on every read), only when that
 * target is a regular YAML file of sane size, so a policy path pointing at /etc/shadow is refused
 * without a word of its contents. The directory is watched rather than the file, so replacing a
 * symlink by a file (or the reverse, or an editor's rename-on-save) is still noticed; the symlink's
 * target is watched too. Every applied policy also passes the trust rules (policy/trust.ts).
 *
 * While the proxy runs, a policy file that is gone or empty is a save in progress far more often
 * than a wish to drop every budget (delete-and-recreate saves, a writer that truncates then
 * writes): the last good policy stays in force and the problem is reported until the file is back.
 * When the directory itself goes away (and when it did not exist at start), it is polled for until
 * it exists again, then watched anew: a watcher on a deleted directory never reports again.
 */
import { EventEmitter } from 'node:events';
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { brokenLinkOnPath, entryExists, POLICY_NAMES } from './files';
import { basename, dirname, join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { formatProblem, locateAll, parsePolicy, type PolicyProblem } from './load';
import { DEFAULT_POLICY, type Policy } from './schema';
import { checkPolicyTrust, userTrustFromEnv, type TrustFinding, type UserTrust } from './trust';
import { locatedWarnings } from './warnings';

export interface PolicyStoreEvents {
  change: [Policy];
  invalid: [PolicyProblem[]];
}

export interface PolicyStoreOptions {
  /** The user's environment (trust settings: TOLLGATE_ALLOW_KEY_ENV, TOLLGATE_TRUSTED_HOSTS…). */
  env?: NodeJS.ProcessEnv;
  /**
   * Calls `confirm` when a changed file should be read a second time before it is applied (default:
   * SETTLE_MS later). Tests pass their own, so the order of writes and reads decides, not a clock.
   */
  settle?: (confirm: () => void) => void;
}

/** How often a policy directory that does not exist is looked for. */
const DIRECTORY_POLL_MS = 250;

/**
 * How long a changed policy must read the same before it is applied. The watcher reports a file once
 * it stopped growing for 50 ms, but a writer that pauses longer at a line boundary (a script writing
 * line by line, a slow network share) left a valid prefix of the policy: one without its budgets,
 * applied until the rest arrived. A second read this much later must find the same text.
 */
const SETTLE_MS = 200;

const settleLater = (confirm: () => void): void => {
  setTimeout(confirm, SETTLE_MS).unref();
};

/** Policies are small; anything bigger is not one. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * A policy file's text. UTF-8 (a leading byte-order mark is left for YAML, which skips it), or
 * UTF-16 with its byte-order mark: what Windows PowerShell 5.1 writes for `… > policy.yaml` and
 * `Out-File`, and what some editors keep. Read as UTF-8, every other byte was a NUL and the file
 * "was not a mapping".
 */
export function decodePolicyText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const be = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    return be.swap16().toString('utf16le');
  }
  return bytes.toString('utf8');
}

/** Reads a policy file safely: problems (never the file's contents) when it is not a readable YAML file. */
export function readPolicyText(file: string): { text: string } | { problem: string } {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { problem: `cannot resolve the policy path (${code})${brokenLinkReason(file, code)}` };
  }
  if (!/\.ya?ml$/i.test(real)) {
    // `--policy .tollgate` (the folder, not the file in it) was "not a .yaml/.yml file": name the file to give,
    // the one in it when there is one (a repository's folder holds it in .tollgate/, which may hold policy.yml).
    const inside = () => ['policy.yaml', 'policy.yml', ...POLICY_NAMES].map((n) => join(file, n)).find(entryExists) ?? join(file, 'policy.yaml');
    if (isDirectory(real)) return { problem: `the policy path is a directory (${real}): name the policy file in it, e.g. ${inside()}` };
    return { problem: `the policy path resolves to ${real}, which is not a .yaml/.yml file; refusing to read it` };
  }
  // The file can vanish between the calls (a rename-on-save) or be unreadable (EACCES): a problem to
  // report, never an exception out of a watcher's event handler, which would end the proxy.
  try {
    const st = statSync(real);
    if (!st.isFile()) return { problem: `the policy path resolves to ${real}, which is not a regular file` };
    return st.size > MAX_POLICY_BYTES ? tooLarge(st.size) : policyTextOf(readFileSync(real));
  } catch (err) {
    return { problem: `cannot read the policy file (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** A policy's bytes (`policy validate -` pipes them in), held to a file's size limit. */
export function policyTextOf(bytes: Buffer): { text: string } | { problem: string } {
  return bytes.length > MAX_POLICY_BYTES ? tooLarge(bytes.length) : { text: decodePolicyText(bytes) };
}

const tooLarge = (size: number) => ({
  problem: `the policy file is ${size} bytes; the limit is ${MAX_POLICY_BYTES} (1 MiB: a full policy is a few KB, and a bigger file would stall the proxy at every reload): check that this is the policy file, and move generated or shared data out of it`,
});

/**
 * Why a policy path that is a symlink leads nowhere: a bare ENOENT read as "no such policy", and
 * the next step people took (`policy init`) would have written a new file where the shared one
 * belongs. Names the link — the file, or the directory it is in (`.tollgate` linked to a checkout
 * that is not there) — and its target as written in it; '' when no link is to blame.
 */
function brokenLinkReason(file: string, code: string): string {
  const broken = brokenLinkOnPath(file);
  if (!broken) return '';
  const it = broken.link === file ? 'it' : broken.link;
  if (broken.loop || code === 'ELOOP') return `: ${broken.link} is a symbolic link in a loop (${broken.target}); point it at the policy ${it === 'it' ? 'file' : 'directory'} or replace it with one`;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return `: ${it} is a symbolic link to ${broken.target}, which does not exist; restore that ${it === 'it' ? 'file' : 'directory'} (a checkout or mount not present?) or point the link at the policy ${it === 'it' ? 'file' : 'directory'}`;
  return '';
}

function problemAt(file: string, message: string, path = ''): PolicyProblem {
  return { file, line: 1, column: 1, path, message };
}

export class PolicyStore extends EventEmitter<PolicyStoreEvents> {
  private current: Policy;
  private watcher: FSWatcher | undefined;
  private watchedTarget: string | undefined;
  /** watch() was called and close() not yet. */
  private watching = false;
  /** Set while the policy's directory is missing and looked for (see awaitDirectory). */
  private directoryPoll: NodeJS.Timeout | undefined;
  /** Counts watched changes: a confirmation started before the latest change is dropped. */
  private changes = 0;
  lastProblems: PolicyProblem[] = [];
  /** Providers the policy file points at hosts the user has not approved (held, see trust.ts). */
  trustFindings: TrustFinding[] = [];
  /** Settings of the applied policy that probably do not do what was meant (warnings.ts), at their lines. */
  warnings: PolicyProblem[] = [];

  private constructor(
    readonly file: string | undefined,
    initial: Policy,
    private readonly trust: UserTrust,
    private readonly settle: (confirm: () => void) => void,
  ) {
    super();
    this.current = initial;
  }

  /** Load once; throws a readable error when the file exists but is invalid (a bad start is loud). */
  static open(file: string | undefined, opts: PolicyStoreOptions = {}): PolicyStore {
    const trust = userTrustFromEnv(opts.env ?? process.env);
    // Resolved now: a relative path must keep naming the same file whatever the cwd becomes.
    // A symlink to nothing (a target not checked out, a loop), the file's or its directory's, is a
    // policy that cannot be read, not "no policy": evaluate() refuses it, as it does on a reload.
    const settle = opts.settle ?? settleLater;
    if (!file || !entryExists(file)) return new PolicyStore(file ? resolve(file) : undefined, DEFAULT_POLICY, trust, settle);
    const store = new PolicyStore(resolve(file), DEFAULT_POLICY, trust, settle);
    const result = store.evaluate();
    if (!result.ok) throw new PolicyError(result.problems);
    store.current = result.policy;
    store.trustFindings = result.findings;
    store.warnings = result.warnings;
    return store;
  }

  /** An in-memory policy (tests, benchmarks): trusted like the code that passes it, but the key-name and link-local rules still apply. */
  static fromPolicy(policy: Policy, opts: PolicyStoreOptions = {}): PolicyStore {
    const trust = userTrustFromEnv(opts.env ?? {});
    const { problems } = checkPolicyTrust(policy, trust, false);
    if (problems.length) throw new PolicyError(problems.map((p) => problemAt('(policy)', p.message, p.path)));
    return new PolicyStore(undefined, policy, trust, settleLater);
  }

  get policy(): Policy {
    return this.current;
  }

  /** Replace the policy in memory (tests, admin API). */
  set(policy: Policy): void {
    this.current = policy;
    this.emit('change', policy);
  }

  private evaluate(): { ok: true; policy: Policy; findings: TrustFinding[]; warnings: PolicyProblem[] } | { ok: false; problems: PolicyProblem[] } {
    const file = this.file!;
    let text = '';
    if (entryExists(file)) {
      const read = readPolicyText(file);
      if ('problem' in read) return { ok: false, problems: [problemAt(file, read.problem)] };
      text = read.text;
    }
    let result: ReturnType<typeof parsePolicy>;
    try {
      result = parsePolicy(text, file);
    } catch (err) {
      return { ok: false, problems: [problemAt(file, (err as Error).message)] };
    }
    if (!result.ok) return result;
    const checked = checkPolicyTrust(result.policy, this.trust, true);
    if (checked.problems.length) return { ok: false, problems: locateAll(text, file, checked.problems) };
    return { ok: true, policy: result.policy, findings: checked.findings, warnings: locatedWarnings(result.policy, text, file) };
  }

  reload(): boolean {
    if (!this.file) return false;
    const gone = this.transientState();
    // Gone, or reached through a directory link that now leads nowhere: look for it until it is back.
    if (this.watching && !existsSync(dirname(this.file))) this.awaitDirectory();
    if (gone) {
      this.reportInvalid([problemAt(this.file, `${gone}; the last good policy stays in force until the file is back`)]);
      return false;
    }
    const result = this.evaluate();
    this.watchTarget();
    if (!result.ok) {
      this.reportInvalid(result.problems);
      return false;
    }
    this.lastProblems = [];
    this.trustFindings = result.findings;
    this.warnings = result.warnings;
    this.set(result.policy);
    return true;
  }

  /**
   * A watched change: reloads only once two reads SETTLE_MS apart (or as `settle` decides) find the
   * same text, so a file still being written is never applied; a change in between starts over.
   */
  private reloadWhenSettled(): void {
    const change = ++this.changes;
    const seen = this.fileState();
    this.settle(() => {
      if (!this.watching || change !== this.changes) return;
      if (this.fileState() === seen) this.reload();
      else this.reloadWhenSettled();
    });
  }

  /** What the policy path reads as now (its text, or why it cannot be read), to compare two reads. */
  private fileState(): string {
    const read = readPolicyText(this.file!);
    return 'text' in read ? `text:${read.text}` : `problem:${read.problem}`;
  }

  /**
   * Emits 'invalid' unless these are the problems already reported: one save fires the directory's
   * watch and, for a linked policy, its target's, and saving the same broken text again is no news;
   * the log printed each problem two to four times. A good policy in between resets lastProblems,
   * so the same mistake made again is reported again.
   */
  private reportInvalid(problems: PolicyProblem[]): void {
    const same = problems.length === this.lastProblems.length && problems.every((p, i) => JSON.stringify(p) === JSON.stringify(this.lastProblems[i]));
    this.lastProblems = problems;
    if (!same) this.emit('invalid', problems);
  }

  /** Starts watching; resolves once the watcher has scanned, so an edit from then on is seen. */
  watch(): Promise<void> {
    if (!this.file || this.watching) return Promise.resolve();
    this.watching = true;
    if (!existsSync(dirname(this.file))) {
      this.awaitDirectory();
      return Promise.resolve();
    }
    return this.startWatcher(this.file);
  }

  private startWatcher(file: string): Promise<void> {
    const name = basename(file);
    const dir = dirname(file);
    // The directory, not the file: chokidar follows a watched file's symlink and loses track when
    // the link is replaced; a directory watch sees adds, unlinks and renames of the entry itself.
    const watcher = watch(dir, {
      ignoreInitial: true,
      depth: 0,
      awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 },
    });
    this.watcher = watcher;
    const onEvent = (path: string) => {
      if (basename(path) === name || (this.watchedTarget !== undefined && resolve(path) === this.watchedTarget)) this.reloadWhenSettled();
    };
    // An error before the scan (a directory that vanished) must not hang the proxy's start.
    const ready = new Promise<void>((r) => watcher.once('ready', () => r()).once('error', () => r()));
    watcher.on('add', onEvent).on('change', onEvent).on('unlink', onEvent);
    // chokidar stats every entry of the directory: one it cannot stat (a symlink loop, an entry
    // without permission) is an 'error' event, and an EventEmitter with no listener for it throws,
    // which ended the proxy. Such an entry is none of the policy's business unless it is the policy
    // (or its target): then a reload reports it and keeps the last good policy.
    watcher.on('error', (err) => {
      const path = (err as NodeJS.ErrnoException).path;
      if (path !== undefined && (basename(path) === name || resolve(path) === this.watchedTarget)) this.reloadWhenSettled();
    });
    watcher.on('unlinkDir', (path) => {
      if (resolve(path) !== dir) return;
      this.awaitDirectory();
      this.reload(); // reports the file missing, keeping the last good policy
    });
    this.watchTarget();
    return ready;
  }

  /** The directory is gone: drop its dead watcher and look for it until it exists again. */
  private awaitDirectory(): void {
    const file = this.file;
    if (!file || !this.watching || this.directoryPoll) return;
    void this.watcher?.close();
    this.watcher = undefined;
    this.watchedTarget = undefined;
    this.directoryPoll = setInterval(() => {
      if (!existsSync(dirname(file))) return;
      clearInterval(this.directoryPoll);
      this.directoryPoll = undefined;
      // The file may have been written before the new watcher's scan: read it once it is ready.
      void this.startWatcher(file).then(() => {
        if (this.watching && existsSync(file)) this.reloadWhenSettled();
      });
    }, DIRECTORY_POLL_MS);
    this.directoryPoll.unref();
  }

  /**
   * Why the file cannot be the policy right now although it may be in a moment (gone, or empty
   * mid-write), or undefined. A symlink is judged by its target.
   */
  private transientState(): string | undefined {
    const file = this.file!;
    if (!existsSync(file)) return brokenLinkOnPath(file) ? undefined : 'the policy file is missing (deleted, or being replaced)';
    try {
      const real = realpathSync(file);
      const st = statSync(real);
      // Anything readPolicyText refuses is left to it (and never read here).
      if (!/\.ya?ml$/i.test(real) || !st.isFile() || st.size > MAX_POLICY_BYTES) return undefined;
      // Only whitespace: what a writer that truncates first leaves between its two steps.
      if (decodePolicyText(readFileSync(real)).trim() === '') return 'the policy file is empty (a save in progress?) — write "{}" for the default policy';
    } catch {
      return undefined;
    }
    return undefined;
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
    this.watching = false;
    if (this.directoryPoll) clearInterval(this.directoryPoll);
    this.directoryPoll = undefined;
    await this.watcher?.close();
    this.watcher = undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
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
