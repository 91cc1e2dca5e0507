/**
 * Whether a directory entry of that name exists, whatever it points at: `lstat`, so a symbolic link
 * to a file that is missing counts. `existsSync` follows the link and says false, which let a
 * workspace whose policy link dangles run on the built-in policy (no budgets) without a word;
 * found, the file reaches the proxy's reader, which says why it cannot be read.
 */
import { lstatSync } from 'node:fs';

export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
