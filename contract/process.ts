/**
 * How the extension and the proxy CLI talk as processes: exit codes, environment variables and the stop message.
 */

/** `tollgate start` exit codes the extension's supervisor acts on. */
export const EXIT_CODES = {
  ok: 0,
  /** A runtime failure (missing database, unreachable proxy): one line says what to do. */
  failure: 1,
  /** Usage error (bad flag). */
  usage: 2,
  /** The port is taken: restarting would not help. */
  portInUse: 3,
  /** The policy file is missing or invalid, or TOLLGATE_CACHE_KEY is malformed: restarting would not help. */
  badConfig: 4,
  /** `start`: the data directory cannot be created, written or opened (a file in its place, no permission, a damaged or newer database): restarting would not help. */
  dataDirUnusable: 5,
} as const;

/**
 * How long `tollgate start` may take to stop after SIGTERM before it exits anyway (database closed,
 * EXIT_CODES.failure): calls in flight drain (3 s, then 0.25 s for the 503s of those still
 * waiting and 1.5 s to write their rows), the two embedding services close side by side (2 s), the
 * database checkpointer (2 s): `close()` ends by 8.75 s, and the exit's wait for a model-load step
 * ends 5 s after the embedding closes began, so the process is gone by 9.75 s (docs/semantic-cache.md).
 * The 1.25 s above that is for timers that fire
 * late on a loaded machine: a clean stop is never cut short. Whoever stops the proxy waits longer
 * than this before SIGKILL, or cuts a clean stop short.
 */
export const STOP_GRACE_MS = 11_000;

/** The supervisor's stop over the IPC channel it spawns the proxy with, handled as SIGTERM is: on Windows Node's SIGTERM kills outright. */
export const STOP_MESSAGE = { type: 'stop' } as const;

/** Environment variables Tollgate reads. */
export const ENV = {
  /** Token for the admin and read API (the extension passes it to the proxy it starts). */
  adminToken: 'TOLLGATE_ADMIN_TOKEN',
  /** Data directory (ledger, cache, models); default ~/.tollgate. */
  dataDir: 'TOLLGATE_DATA_DIR',
  /** 32-byte key (hex or base64) that encrypts cached bodies at rest. */
  cacheKey: 'TOLLGATE_CACHE_KEY',
  /** "0" forbids downloading embedding models. */
  modelDownload: 'TOLLGATE_MODEL_DOWNLOAD',
  /** The CLI's port when no --port says: `start` listens on it, `batch`/`report` look for the proxy there. */
  port: 'TOLLGATE_PORT',
} as const;
