import { existsSync } from 'node:fs';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { verifyPinnedFile } from './checksum';
import type { KnownModel } from './known-models';
import { modelDirOf } from './paths';

/**
 * Where `file` sits in a source folder. Besides the transformers.js layout (`onnx/model_quantized.onnx`)
 * a flat folder (`model_quantized.onnx` next to config.json) is accepted, as people copy files by hand.
 */
function sourcePathOf(sourceDir: string, file: string): string | undefined {
  const direct = join(sourceDir, file);
  if (existsSync(direct)) return direct;
  const flat = join(sourceDir, file.split('/').pop() ?? file);
  return existsSync(flat) ? flat : undefined;
}

/**
 * Copies a local copy of a pinned model (offline / air-gapped installs) into `<modelsDir>/<id>/`.
 * The weights are verified against the pin before they take their final name; on mismatch nothing
 * is installed and ModelChecksumError is thrown.
 */
export async function importModel(sourceDir: string, modelsDir: string, model: KnownModel): Promise<{ dir: string }> {
  const sources = model.files.map((file) => ({ file, from: sourcePathOf(sourceDir, file) }));
  const missing = sources.filter((s) => s.from === undefined).map((s) => s.file);
  if (missing.length > 0) {
    throw new Error(`${sourceDir} is not a ${model.id} folder: missing ${missing.join(', ')}`);
  }
  const dir = modelDirOf(modelsDir, model.id);
  // Verify first (copying into a .part file), so a bad source never replaces a good install.
  const weightsTarget = join(dir, model.weights.path);
  const weightsSource = sources.find((s) => s.file === model.weights.path)?.from as string;
  await mkdir(dirname(weightsTarget), { recursive: true });
  await copyFile(weightsSource, `${weightsTarget}.part`);
  await verifyPinnedFile(model, dir, `${weightsTarget}.part`);
  for (const { file, from } of sources) {
    if (file === model.weights.path) continue;
    const target = join(dir, file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(from as string, target);
  }
  await rename(`${weightsTarget}.part`, weightsTarget);
  return { dir };
}
