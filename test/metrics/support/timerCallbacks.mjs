// Preloaded into a proxy process (NODE_OPTIONS=--import): counts the timer and immediate callbacks
// its main thread runs, the wake-ups its own code schedules. A count, not a time: a loaded machine
// runs a timer late (and an interval fewer times), never more often. SIGUSR2 prints the count so far, with the
// process's own clock (ms) to make it a rate.
import { createHook } from 'node:async_hooks';

const timers = new Set();
let ran = 0;
createHook({
  init(id, type) {
    if (type === 'Timeout' || type === 'Immediate') timers.add(id);
  },
  before(id) {
    if (timers.has(id)) ran += 1;
  },
  destroy(id) {
    timers.delete(id);
  },
}).enable();
process.on('SIGUSR2', () => process.stderr.write(`timer callbacks run: ${ran} at ${performance.now()}\n`));
