/** Runs the fake provider as its own process (benchmarks, e2e): prints `FAKE_UPSTREAM <url>`. */
import { startFakeUpstream } from './fakeUpstream';

const port = Number(process.argv[2] ?? 0);
const upstream = await startFakeUpstream({ port });
console.log(`FAKE_UPSTREAM ${upstream.url}`);
const stop = () => void upstream.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Bounded lifetime: never outlive the run that started it by more than an hour.
setTimeout(stop, 60 * 60 * 1000).unref();
