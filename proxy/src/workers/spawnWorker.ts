/**
 * Starts a worker thread from either the esbuild bundle (`<bundleName>.js` beside the running
 * bundle in dist/proxy/) or the TypeScript sources (vitest, tsx). From sources, tsx's ESM hooks are
 * registered inside the worker first: `execArgv: ['--import', 'tsx']` is not enough on Node 20.
 * `workerData` reaches the worker's `workerData` either way (structured-cloned; shared memory stays
 * shared), so a worker needs no "start" message before its first real one.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export function spawnWorker(opts: { callerUrl: string; sourceEntry: string; bundleName: string; name: string; workerData?: unknown }): Worker {
  const { callerUrl, sourceEntry, bundleName, name, workerData } = opts;
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${bundleName}.js`, callerUrl), { name, workerData });
  const tsxRoot = dirname(createRequire(callerUrl).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const entry = new URL(sourceEntry, callerUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { name, eval: true, workerData });
}
