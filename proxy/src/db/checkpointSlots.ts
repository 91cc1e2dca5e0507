/**
 * The Int32Array the proxy's connection and the checkpoint worker share (checkpointer.ts,
 * checkpointWorker.ts): which slot holds what. Its own module so that neither side imports the
 * other's code.
 */
/** Commits of the proxy's connection that may have written; bumped by the writer, waited on by the worker. */
export const COMMITS = 0;
/** Checkpoints the worker has run (diagnostics and tests). */
export const CHECKPOINTS = 1;
/** Set to 1 by the worker once its connection is closed (the writer waits for it before closing its own). */
export const CLOSED = 2;
/**
 * Whether the worker may open its connection: NOT_OPENED until one side claims it — the worker
 * (OPENED, before it opens) or a closing proxy (CANCELLED, so a worker that has not started yet
 * never opens the file: under load a worker thread can take seconds to start, and one opening the
 * database after the proxy closed it re-created files in a data directory its caller was deleting).
 */
export const STATE = 3;
/** The commit count the worker's last checkpoint (or busy attempt) covered: equal to COMMITS once it has caught up and sleeps (tests). */
export const SEEN = 4;
export const NOT_OPENED = 0;
export const OPENED = 1;
export const CANCELLED = 2;
export const SLOTS = 5;
