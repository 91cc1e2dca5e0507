/**
 * spawnWorker hands `workerData` to the worker it starts from the sources (the embedding worker's
 * shared "under way" counter travels this way, not in a first message): cloned, with shared memory
 * still shared.
 */
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { spawnWorker } from '../../proxy/src/workers/spawnWorker';

it('workerData reaches a worker started from the sources, its shared memory shared', async () => {
  const busy = new Int32Array(new SharedArrayBuffer(4));
  const worker = spawnWorker({ callerUrl: import.meta.url, sourceEntry: './support/workerDataEcho.ts', bundleName: 'unused', name: 'tollgate-test-echo', workerData: { busy: busy.buffer, n: 7 } });
  try {
    const [reply] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([e]) => [`error: ${(e as Error).message}`])])) as [unknown];
    expect(reply).toBe(7);
    expect(Atomics.load(busy, 0)).toBe(1);
  } finally {
    await worker.terminate();
  }
});
