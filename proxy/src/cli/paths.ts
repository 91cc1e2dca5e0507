/** Default locations: the data directory and the repo's policy file. */
import { resolve } from 'node:path';
import { defaultDataDir as modelsDefaultDataDir, expandHome } from '../embedding/models/paths';
import { DEFAULT_POLICY_FILE } from '../export';
import { entryExists, POLICY_NAMES } from '../policy/files';

/**
 * `$TOLLGATE_DATA_DIR` (trimmed, as the model commands read it: cmd's `set X=D:\tollgate ` keeps the
 * trailing space, which Windows would otherwise make a folder name of; `~` expanded), else
 * `~/.tollgate`, as an absolute path. One reading with the model commands, so ledger and models agree.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(modelsDefaultDataDir(env));
}

/** A `--data-dir` value (`~` expanded: `--data-dir=~/x` reaches us unexpanded) or else the default, absolute. */
export function dataDirFrom(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return given ? resolve(expandHome(given)) : defaultDataDir(env);
}

/**
 * `.tollgate/policy.yaml`, else `.tollgate/policy.yml`, in the current directory; undefined when
 * neither exists. A name that is there counts even when it cannot be read (a symlink to a checkout
 * that is missing, or a loop): loading it then says why, where `existsSync` (false for a dangling
 * link) had the proxy start on the default policy — no budgets — without a word.
 */
export function existingWorkspacePolicy(): string | undefined {
  return POLICY_NAMES.find(entryExists);
}

/** The policy file commands default to: the existing one, else `.tollgate/policy.yaml` (to name in messages). */
export function defaultPolicyFile(): string {
  return existingWorkspacePolicy() ?? DEFAULT_POLICY_FILE;
}
