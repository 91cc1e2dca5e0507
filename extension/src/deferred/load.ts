/**
 * Loads `dist/extension/deferred.cjs` (see ./index.ts) on first use, synchronously: a require of a
 * computed path, which esbuild leaves alone instead of inlining the module into extension.cjs.
 */
import { join } from 'node:path';
import type * as Deferred from './index';

export type DeferredModule = typeof Deferred;

let loaded: DeferredModule | undefined;

export function loadDeferred(): DeferredModule {
  const file = join(__dirname, 'deferred.cjs');
  loaded ??= require(file) as DeferredModule;
  return loaded;
}
