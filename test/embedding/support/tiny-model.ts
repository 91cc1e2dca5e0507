import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BERT_Q8_FILES, type KnownModel } from '../../../proxy/src/embedding/models/known-models';
import { sha256File } from '../../../proxy/src/embedding/models/checksum';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** Folder that holds `tiny-bert-random/` (transformers.js's localModelPath for it). */
export const TINY_MODELS_DIR = join(root, '.cache', 'models');
export const TINY_MODEL_NAME = 'tiny-bert-random';
export const TINY_MODEL_DIR = join(TINY_MODELS_DIR, TINY_MODEL_NAME);
export const TINY_DIMENSIONS = 32;

/** Generates the fixture with the project's own setup script when `npm test` has not run it yet. */
export function ensureTinyModel(): void {
  if (BERT_Q8_FILES.every((f) => existsSync(join(TINY_MODEL_DIR, f)))) return;
  execFileSync(process.execPath, [join(root, 'scripts/test-setup/20-tiny-model.mjs')], { stdio: 'pipe' });
}

/** A pin for the tiny model under `id`, measured from the fixture file (or a deliberately wrong one). */
export async function tinyModelPin(id: string, options: { wrongSha?: boolean } = {}): Promise<KnownModel> {
  const actual = await sha256File(join(TINY_MODEL_DIR, 'onnx/model_quantized.onnx'));
  const sha256 = options.wrongSha ? actual.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')) : actual.sha256;
  return {
    id,
    dimensions: TINY_DIMENSIONS,
    files: BERT_Q8_FILES,
    weights: { path: 'onnx/model_quantized.onnx', bytes: actual.bytes, sha256 },
  };
}
