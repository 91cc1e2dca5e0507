/** A minimal typed event emitter (vscode.EventEmitter is not available outside the extension host). */
import type { DisposableLike } from './dataSource';

export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  get size(): number {
    return this.listeners.size;
  }

  on(listener: (value: T) => void): DisposableLike {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // One failing listener must not starve the others (or kill the event stream).
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
