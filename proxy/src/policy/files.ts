/**
 * Where a workspace keeps its policy, and whether a name is there. Only `node:fs`: the extension
 * reads these at activation, without the policy parser.
 */
import { lstatSync } from 'node:fs';

/** The names a workspace policy may have, relative to the workspace, in the order the CLI and the extension look for them. */
export const POLICY_NAMES = ['.tollgate/policy.yaml', '.tollgate/policy.yml'] as const;

/**
 * Whether a directory entry of that name exists, whatever it points at: `lstat`, so a symbolic link
 * to a file that is missing (or a loop) counts. `existsSync` follows the link and says false, which
 * let a workspace whose policy link dangles run on the built-in policy (no budgets) without a word;
 * found, the name reaches the policy reader (store.ts readPolicyText), which says why it cannot be read.
 */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
