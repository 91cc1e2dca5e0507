/** Default locations: the data directory and the repo's policy file. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TOLLGATE_DATA_DIR ? resolve(env.TOLLGATE_DATA_DIR) : join(homedir(), '.tollgate');
}

export const DEFAULT_POLICY_PATH = join('.tollgate', 'policy.yaml');
