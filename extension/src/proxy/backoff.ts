/**
 * Restart delays for a crashing proxy: exponential with a cap, so a proxy that dies at start-up
 * does not spin the CPU, and one that crashed once after a long healthy run restarts at once.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Give up after this many restarts without a healthy period in between. */
  maxRestarts: number;
  /** Being healthy this long resets the count. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, maxRestarts: 5, resetAfterMs: 60_000 };

export class RestartBackoff {
  private failures = 0;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Delay before the next restart, or undefined when we should stop trying. */
  next(healthyForMs: number): number | undefined {
    if (healthyForMs >= this.opts.resetAfterMs) this.failures = 0;
    if (this.failures >= this.opts.maxRestarts) return undefined;
    const delay = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.failures);
    this.failures++;
    return delay;
  }

  get attempts(): number {
    return this.failures;
  }

  reset(): void {
    this.failures = 0;
  }
}
