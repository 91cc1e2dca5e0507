/**
 * Holds the current policy and hot-reloads it from disk with chokidar.
 * An invalid edit keeps the last good policy and reports where the file is wrong.
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { formatProblem, parsePolicy, type PolicyProblem } from './load';
import { DEFAULT_POLICY, type Policy } from './schema';

export interface PolicyStoreEvents {
  change: [Policy];
  invalid: [PolicyProblem[]];
}

export class PolicyStore extends EventEmitter<PolicyStoreEvents> {
  private current: Policy;
  private watcher: FSWatcher | undefined;
  lastProblems: PolicyProblem[] = [];

  private constructor(
    readonly file: string | undefined,
    initial: Policy,
  ) {
    super();
    this.current = initial;
  }

  /** Load once; throws a readable error when the file exists but is invalid (a bad start is loud). */
  static open(file: string | undefined): PolicyStore {
    if (!file || !existsSync(file)) return new PolicyStore(file, DEFAULT_POLICY);
    const result = parsePolicy(readFileSync(file, 'utf8'), file);
    if (!result.ok) throw new PolicyError(result.problems);
    return new PolicyStore(file, result.policy);
  }

  static fromPolicy(policy: Policy): PolicyStore {
    return new PolicyStore(undefined, policy);
  }

  get policy(): Policy {
    return this.current;
  }

  /** Replace the policy in memory (tests, admin API). */
  set(policy: Policy): void {
    this.current = policy;
    this.emit('change', policy);
  }

  reload(): boolean {
    if (!this.file) return false;
    let text: string;
    try {
      text = existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
    } catch (err) {
      this.lastProblems = [{ file: this.file, line: 1, column: 1, path: '', message: (err as Error).message }];
      this.emit('invalid', this.lastProblems);
      return false;
    }
    const result = parsePolicy(text, this.file);
    if (!result.ok) {
      this.lastProblems = result.problems;
      this.emit('invalid', result.problems);
      return false;
    }
    this.lastProblems = [];
    this.set(result.policy);
    return true;
  }

  watch(): void {
    if (!this.file || this.watcher) return;
    this.watcher = watch(this.file, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 10 } });
    const onEvent = () => this.reload();
    this.watcher.on('add', onEvent).on('change', onEvent).on('unlink', onEvent);
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
  }
}

export class PolicyError extends Error {
  constructor(readonly problems: PolicyProblem[]) {
    super(`invalid policy:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}
