import { fetch } from 'undici';
import { outboundDispatcher } from '../../server/security/outbound';
import { messageOf } from '../errorMessage';

/** Seconds without a byte from the server after which a model or runtime download fails (decimals allowed; 0 = never). */
export const DOWNLOAD_IDLE_TIMEOUT_ENV = 'TOLLGATE_MODEL_DOWNLOAD_IDLE_TIMEOUT';
export const DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;

/** `$TOLLGATE_MODEL_DOWNLOAD_IDLE_TIMEOUT` in milliseconds, else 30 s (an unparsable value is ignored). */
export function downloadIdleTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[DOWNLOAD_IDLE_TIMEOUT_ENV]?.trim();
  const seconds = raw ? Number(raw) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS;
}

/** The server sent nothing for the idle timeout (it accepted the connection, or began the body, then went quiet). */
export class DownloadStalledError extends Error {
  override name = 'DownloadStalledError';
}

/** The caller's AbortSignal fired (e.g. EmbeddingService.close() during a download). */
export class DownloadAbortedError extends Error {
  override name = 'AbortError';
}

export interface StreamOptions {
  /** Names the download in messages: "could not download <label> from <url>". */
  label: string;
  /** Names it in the HTTP status message; default `label`. */
  httpLabel?: string;
  /** What a user can do when the host stalls (appended to the message). */
  stallHint: string;
  signal?: AbortSignal;
  /** 0 disables the idle timeout. */
  idleTimeoutMs: number;
  /** Called once the response headers are in, with the Content-Length (0 when absent). */
  onResponse?: (total: number) => void | Promise<void>;
  onChunk: (chunk: Uint8Array) => void | Promise<void>;
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * GETs `url` and hands its body to `onChunk`, failing with DownloadStalledError when no byte arrives
 * for `idleTimeoutMs` (from the request on: a host that accepts and never answers counts too), and
 * with DownloadAbortedError when `signal` fires. Both abort the socket; the caller removes what it wrote.
 */
export async function streamDownload(url: string, options: StreamOptions): Promise<void> {
  const { label, signal, idleTimeoutMs } = options;
  signal?.throwIfAborted();
  const idle = new AbortController();
  let stalled: DownloadStalledError | undefined;
  const timer =
    idleTimeoutMs > 0
      ? setTimeout(() => {
          const host = new URL(url).host;
          stalled = new DownloadStalledError(
            `download of ${label} stalled: ${host} sent nothing for ${duration(idleTimeoutMs)} (${url}). ${options.stallHint} ` +
              `The limit is ${DOWNLOAD_IDLE_TIMEOUT_ENV} (seconds, default ${DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS / 1000}).`,
          );
          idle.abort(stalled);
        }, idleTimeoutMs)
      : undefined;
  const combined = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
  // Whatever failed, say why in the caller's terms: cancelled, stalled, or the network's own error.
  const explain = (error: unknown): Error => {
    if (signal?.aborted) return new DownloadAbortedError(`download of ${label} cancelled`);
    if (stalled) return stalled;
    return error instanceof Error ? error : new Error(messageOf(error));
  };
  try {
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      // Through the company proxy of HTTPS_PROXY/NO_PROXY, as curl would go (the global fetch ignores them).
      response = await fetch(url, { signal: combined, dispatcher: outboundDispatcher() });
    } catch (error) {
      if (signal?.aborted || stalled) throw explain(error);
      // undici says only "fetch failed"; the cause (DNS, refused, offline) is what a user can act on.
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(`could not download ${label} from ${url} (${messageOf(error)}${cause})`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`download of ${options.httpLabel ?? label} failed: HTTP ${response.status} from ${url}`);
    }
    timer?.refresh();
    await options.onResponse?.(Number(response.headers.get('content-length') ?? 0) || 0);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        timer?.refresh();
        await options.onChunk(chunk);
      }
    } catch (error) {
      throw explain(error);
    }
    // The last chunk may have raced the timer or the caller's abort: a cancelled download is not complete.
    if (signal?.aborted || stalled) throw explain(undefined);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
