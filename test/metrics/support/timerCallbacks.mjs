// Preloaded into a proxy process (NODE_OPTIONS=--import): counts the timer and immediate callbacks
// its threads run, the wake-ups its own code schedules: the main thread's and every worker
// thread's. A preload does not reach worker threads on Node 20, so each Worker the proxy starts
// runs the same counter first and posts its count here. A count, not a time: a loaded machine
// runs a timer late (and an interval fewer times), never more often. SIGUSR2 prints the count so
// far, with the process's own clock (ms) to make it a rate.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const CHANNEL = 'tollgate-test-timer-callbacks';

/** Counts this thread's timer and immediate callbacks, calling `report` with the total after each. Runs in workers as source text. */
function countTimerCallbacks(report) {
  const timers = new Set();
  let ran = 0;
  require('node:async_hooks')
    .createHook({
      init(id, type) {
        if (type === 'Timeout' || type === 'Immediate') timers.add(id);
      },
      before(id) {
        if (timers.has(id)) report(++ran);
      },
      destroy(id) {
        timers.delete(id);
      },
    })
    .enable();
}

// In a worker: post [threadId, total] on an unreferenced channel (it must not keep the thread
// alive), once at its start so that a worker that never runs a timer is seen to be counted too.
const WORKER_COUNTER = `{
  const channel = new BroadcastChannel(${JSON.stringify(CHANNEL)});
  channel.unref();
  const { threadId } = require('node:worker_threads');
  channel.postMessage([threadId, 0]);
  (${countTimerCallbacks})((ran) => channel.postMessage([threadId, ran]));
}
`;
const workerThreads = require('node:worker_threads');
const { Worker } = workerThreads;
workerThreads.Worker = class CountedWorker extends Worker {
  constructor(entry, options = {}) {
    const code = options.eval ? String(entry) : `import(${JSON.stringify(entry instanceof URL ? entry.href : pathToFileURL(String(entry)).href)});`;
    super(WORKER_COUNTER + code, { ...options, eval: true });
  }
};
syncBuiltinESMExports();

let ran = 0;
countTimerCallbacks((total) => {
  ran = total;
});
const inWorkers = new Map();
const channel = new BroadcastChannel(CHANNEL);
channel.unref();
channel.onmessage = ({ data: [thread, total] }) => inWorkers.set(thread, total);
process.on('SIGUSR2', () => {
  const workers = [...inWorkers.values()].reduce((a, b) => a + b, 0);
  process.stderr.write(`timer callbacks run: ${ran + workers} at ${performance.now()} (${workers} in ${inWorkers.size} workers)\n`);
});
