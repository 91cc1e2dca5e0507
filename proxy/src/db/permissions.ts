/**
 * Private data files. The data directory holds the ledger (prompt previews, tags), the cache
 * (whole responses) and the fingerprint salt; on a shared machine other local users must not read
 * it. The directory is 0700 and the SQLite file with its -wal/-shm companions 0600, created that
 * way and fixed on installs made before this rule (which used the umask: 0755/0644). POSIX only;
 * on Windows the user profile's ACLs already keep other users out.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

function tighten(path: string, mode: number): void {
  if (!posix || !existsSync(path)) return;
  const st = lstatSync(path);
  // Never chmod through a symlink (it could point at someone else's file).
  if (st.isSymbolicLink()) return;
  if ((st.mode & 0o777) !== mode) chmodSync(path, mode);
}

/**
 * Prepares a database file's directory and files before SQLite opens it: creates the directory
 * 0700, pre-creates the database file 0600 (SQLite then gives -wal/-shm the same mode as the main
 * file), and tightens anything an older version left readable.
 */
export function securePrivateFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  tighten(dir, DIR_MODE);
  if (!existsSync(file)) closeSync(openSync(file, 'a', FILE_MODE));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) tighten(f, FILE_MODE);
}

/**
 * Writes a private file (captured prompts, their answers) at `file`, 0600 whatever was there: a
 * write's mode applies only to a file it creates, so an older 0644 file at the path kept prompts
 * world-readable, and a link planted there took the write onto the file it names. Written to an
 * unguessable name created exclusively (O_EXCL refuses a link), then renamed over the path (a rename
 * replaces a link, never follows it). A pipe, device or socket (`mkfifo ./out`, `/dev/null`) is written
 * through (replaced, a pipe became a file; as root, so did /dev/null), seen through a link only of the
 * user's or root's; so is anything in /dev and /proc, where no other user plants links (/dev/shm is
 * anyone's): `--out /dev/stdout > x.jsonl` or `>(gzip > x.gz)` name a descriptor, no file can be made there.
 */
export function writePrivateFile(file: string, text: string): void {
  const at = lstatSync(file, { throwIfNoEntry: false });
  const st = at?.isSymbolicLink() && (at.uid === 0 || at.uid === process.getuid?.()) ? statSync(file, { throwIfNoEntry: false }) : at;
  if (st?.isFIFO() || st?.isCharacterDevice() || st?.isSocket() || /^\/(proc|dev(?!\/shm\/|\/mqueue\/))\//.test(file)) {
    writeFileSync(file, text);
    return;
  }
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: FILE_MODE, flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
