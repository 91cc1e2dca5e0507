import { homedir } from 'node:os';
import { join } from 'node:path';

/** Tollgate's data directory: `$TOLLGATE_DATA_DIR`, else `~/.tollgate`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TOLLGATE_DATA_DIR?.trim();
  return fromEnv ? fromEnv : join(homedir(), '.tollgate');
}

/** Where model folders live; transformers.js's `env.localModelPath` points here. */
export function modelsDirOf(dataDir: string): string {
  return join(dataDir, 'models');
}

/** The folder of one model: `<modelsDir>/<owner>/<name>` (the hub id is the relative path). */
export function modelDirOf(modelsDir: string, modelId: string): string {
  if (modelId.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new Error(`invalid model id "${modelId}"`);
  }
  return join(modelsDir, ...modelId.split('/'));
}

/** The Hugging Face hub (transformers.js's default `env.remoteHost`); `HF_ENDPOINT` names a mirror. */
export function defaultRemoteHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_ENDPOINT?.trim() || 'https://huggingface.co/';
}
