import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from './checksum';
import type { KnownModel } from './known-models';
import { modelDirOf } from './paths';

export interface ModelPresence {
  modelId: string;
  dir: string;
  /** Every required file exists and the weights have the pinned size (a cheap check; no hashing). */
  present: boolean;
  missing: string[];
  weightsBytes?: number;
}

/** Cheap presence check used to decide, without loading anything, whether `auto` can use this model. */
export function modelPresence(modelsDir: string, model: KnownModel): ModelPresence {
  const dir = modelDirOf(modelsDir, model.id);
  const missing = model.files.filter((f) => !existsSync(join(dir, f)));
  const weightsPath = join(dir, model.weights.path);
  const weightsBytes = existsSync(weightsPath) ? statSync(weightsPath).size : undefined;
  const present = missing.length === 0 && weightsBytes === model.weights.bytes;
  return weightsBytes === undefined
    ? { modelId: model.id, dir, present, missing }
    : { modelId: model.id, dir, present, missing, weightsBytes };
}

/** Full check: presence plus the weights' sha256 against the pin (reads the whole file). */
export async function modelVerified(modelsDir: string, model: KnownModel): Promise<ModelPresence & { verified: boolean }> {
  const presence = modelPresence(modelsDir, model);
  if (!presence.present) return { ...presence, verified: false };
  const { sha256 } = await sha256File(join(presence.dir, model.weights.path));
  return { ...presence, verified: sha256 === model.weights.sha256.toLowerCase() };
}
