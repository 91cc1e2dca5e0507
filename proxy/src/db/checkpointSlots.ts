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
export const SLOTS = 3;
