import { homedir } from 'node:os';
import { join, sep } from 'node:path';

/**
 * `~`, `~/…` and `~\…` with the home directory in their place. Shells expand `~` only in some
 * places: a quoted value, `--data-dir=~/x`, a .env file, a systemd unit or Windows cmd pass it on
 * literally, and Node would make a folder named `~` in the working directory. `~user` is kept, and
 * `~\…` only where `\` separates paths (on POSIX it is a file name character).
 */
export function expandHome(p: string, home: string = homedir(), separator: string = sep): string {
  if (p === '~') return home;
  return p.startsWith('~/') || (separator === '\\' && p.startsWith('~\\')) ? join(home, p.slice(2)) : p;
}

/** Tollgate's data directory: `$TOLLGATE_DATA_DIR` (`~` expanded), else `~/.tollgate`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TOLLGATE_DATA_DIR?.trim();
  return fromEnv ? expandHome(fromEnv) : join(homedir(), '.tollgate');
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
