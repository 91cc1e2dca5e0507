/** A worker for spawnWorker's test: counts once in the shared memory it was given and echoes `n`. */
import { parentPort, workerData } from 'node:worker_threads';

const data = workerData as { busy: SharedArrayBuffer; n: number };
Atomics.add(new Int32Array(data.busy), 0, 1);
parentPort?.postMessage(data.n);
