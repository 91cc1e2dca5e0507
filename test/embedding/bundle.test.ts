import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel, TINY_DIMENSIONS, TINY_MODEL_NAME, TINY_MODELS_DIR, tinyModelPin } from './support/tiny-model';

const root = fileURLToPath(new URL('../../', import.meta.url));
let outDir: string;

beforeAll(async () => {
  ensureTinyModel();
  // Inside the repo (under the git-ignored .cache) so the external packages resolve from node_modules.
  outDir = mkdtempSync(join(root, '.cache', 'embedding-bundle-'));
  const banner = [
    "import { createRequire as __tgCreateRequire } from 'node:module';",
    'const require = __tgCreateRequire(import.meta.url);',
  ].join('\n');
  // Same shape as scripts/build.mjs: ESM bundles, heavy packages external, the worker beside the entry.
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'test/embedding/support/bundle-entry.ts', 'embedding-worker': 'proxy/src/embedding/worker.ts' },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@huggingface/transformers', 'onnxruntime-node', 'onnxruntime-web', 'sharp', '@energetic-ai/*', '@tensorflow/*'],
    banner: { js: banner },
    logLevel: 'silent',
  });
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('bundled service', () => {
  it('spawns embedding-worker.js next to the bundle and embeds with it', async () => {
    expect(existsSync(join(outDir, 'embedding-worker.js'))).toBe(true);
    const pin = await tinyModelPin(TINY_MODEL_NAME);
    const stdout = execFileSync(process.execPath, [join(outDir, 'cli.js'), join(TINY_MODELS_DIR, '..'), TINY_MODEL_NAME, JSON.stringify(pin)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const result = JSON.parse(stdout) as { info: { backend: string; dimensions: number }; lengths: number[]; batches: number };
    expect(result.info).toMatchObject({ backend: 'transformers', dimensions: TINY_DIMENSIONS });
    expect(result.lengths).toEqual([TINY_DIMENSIONS, TINY_DIMENSIONS]);
    expect(result.batches).toBe(1);
  });
});
