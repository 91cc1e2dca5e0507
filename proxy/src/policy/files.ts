/**
 * Where a workspace keeps its policy, and whether a name is there. Only `node:fs`: the extension
 * reads these at activation, without the policy parser.
 */
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The names a workspace policy may have, relative to the workspace, in the order the CLI and the extension look for them. */
export const POLICY_NAMES = ['.tollgate/policy.yaml', '.tollgate/policy.yml'] as const;

/**
 * Whether a directory entry of that name exists, whatever it points at: `lstat`, so a symbolic link
 * to a file that is missing (or a loop) counts. `existsSync` follows the link and says false, which
 * let a workspace whose policy link dangles run on the built-in policy (no budgets) without a word;
 * found, the name reaches the policy reader (store.ts readPolicyText), which says why it cannot be read.
 * A path reached through a directory link that leads nowhere (`.tollgate` itself linked to a shared
 * checkout that is not there) counts too: the policy is there, only unreachable, and "not found"
 * sent people to `policy init`.
 */
export function entryExists(path: string): boolean {
  return lstatOk(path) || brokenLinkOnPath(path) !== undefined;
}

/** A symbolic link that leads nowhere (`target` as written in it), and whether it loops. */
export interface BrokenLink {
  link: string;
  target: string;
  loop: boolean;
}

/**
 * The symbolic link that makes `path` unreachable: `path` itself, or the nearest of its parent
 * directories, when that entry is a link whose target is missing or loops. Undefined when `path`
 * resolves, or is missing for any other reason (nothing there, a plain directory without it).
 */
export function brokenLinkOnPath(path: string): BrokenLink | undefined {
  // The nearest entry that is there (lstat): everything below it is missing because of it.
  let at = path;
  while (!lstatOk(at)) {
    const up = dirname(at);
    if (up === at) return undefined;
    at = up;
  }
  if (existsSync(at)) return undefined;
  try {
    const target = readlinkSync(at);
    let loop = false;
    try {
      statSync(at);
    } catch (err) {
      loop = (err as NodeJS.ErrnoException).code === 'ELOOP';
    }
    return { link: at, target, loop };
  } catch {
    return undefined;
  }
}

function lstatOk(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
