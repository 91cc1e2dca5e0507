import type { EmbedderBackendId } from '../types';

export interface LoadingUpdate {
  backend: EmbedderBackendId;
  /** 0..1 while downloading. */
  progress?: number;
  fallbackReason?: string;
}

/** How a loading backend reports progress and noteworthy events to whoever runs it. */
export interface LoadHooks {
  onLoading?: (update: LoadingUpdate) => void;
  log?: (line: string) => void;
  /** Fires when the session closes while loading: downloads stop and the load rejects (no fallback). */
  signal?: AbortSignal;
}
