/**
 * The webview end of the protocol: typed requests (a promise per request id), commands, and
 * notification listeners. `acquireVsCodeApi` is provided by VS Code (or by the browser test's
 * stand-in) and may be called once.
 */
import {
  isHostToWebviewMessage,
  type CommandMessage,
  type DashboardRequests,
  type DashboardRequestType,
  type NotificationMessage,
} from '../protocol';

export interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare global {
  function acquireVsCodeApi<State = unknown>(): VsCodeApi<State>;
}

/** A command without its envelope `kind` (distributes over the union). */
type CommandBody = CommandMessage extends infer C ? (C extends CommandMessage ? Omit<C, 'kind'> : never) : never;

type NotificationOf<T extends NotificationMessage['type']> = Extract<NotificationMessage, { type: T }>;

export class HostClient<State> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Set<(m: NotificationMessage) => void>>();

  constructor(
    private readonly api: VsCodeApi<State>,
    target: Window = window,
  ) {
    target.addEventListener('message', (ev: MessageEvent<unknown>) => this.receive(ev.data));
  }

  request<K extends DashboardRequestType>(type: K, params: DashboardRequests[K]['params']): Promise<DashboardRequests[K]['result']> {
    const id = this.nextId++;
    return new Promise<DashboardRequests[K]['result']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      this.api.postMessage({ kind: 'request', id, type, params });
    });
  }

  command(message: CommandBody): void {
    this.api.postMessage({ kind: 'command', ...message });
  }

  on<T extends NotificationMessage['type']>(type: T, listener: (m: NotificationOf<T>) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const l = listener as (m: NotificationMessage) => void;
    set.add(l);
    return () => set.delete(l);
  }

  get state(): State | undefined {
    return this.api.getState();
  }

  saveState(state: State): void {
    this.api.setState(state);
  }

  private receive(data: unknown): void {
    if (!isHostToWebviewMessage(data)) return;
    if (data.kind === 'response') {
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      if (data.ok) p.resolve(data.result as never);
      else p.reject(new Error(data.error));
      return;
    }
    for (const l of this.listeners.get(data.type) ?? []) l(data);
  }
}
