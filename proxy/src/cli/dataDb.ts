/**
 * The data directory's database for CLI commands that work on the file directly (WAL lets them run
 * beside a live proxy): no running proxy and no admin token needed.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openDatabase, SCHEMA_VERSION, type Db } from '../db/open';
import { DIR_MODE } from '../db/permissions';
import { brokenLinkOnPath } from '../policy/files';
import { CliError, describeFailure, printable } from './common';
import { dataDirFrom } from './paths';

/**
 * Opens the data directory's database; `readonly` for commands that only read (no chmod, no
 * write access needed). A missing or unusable file is a CliError naming it (exit 1).
 *
 * A read-only open does not refuse a file from a newer Tollgate (the reader changes nothing, and
 * most of the figures are still there), but it says so on stderr: `report` added up a ledger laid
 * out for a newer version without a word, so a total the older code cannot see all of looked whole.
 */
export function openDataDb(dataDir: string | undefined, readonly: boolean): { db: Db; file: string } {
  const dir = dataDirFrom(dataDir);
  const file = join(dir, 'tollgate.db');
  if (!existsSync(file)) throw new CliError(`no Tollgate database in ${dir} (start the proxy once, or pass --data-dir).`);
  try {
    const db = openDatabase(file, readonly ? { readonly: true, vector: false } : {});
    const format = db.pragma('user_version', { simple: true }) as number;
    if (format > SCHEMA_VERSION)
      console.error(`tollgate: warning: ${printable(file)} was written by a newer Tollgate (data format ${format}; this version knows up to ${SCHEMA_VERSION}); figures may be incomplete. Upgrade Tollgate to read all of it.`);
    return { db, file };
  } catch (err) {
    const message = describeFailure(err, file);
    if (message) throw new CliError(message);
    const sqlite = (err as { errstr?: string }).errstr;
    if (sqlite) throw new CliError(`cannot open ${file}: ${sqlite}; check its permissions or pass --data-dir.`);
    throw err;
  }
}

/**
 * Creates the data directory one level at a time and checks that it can be written, before anything
 * else touches it: Node's recursive mkdir never returns on a path the kernel answers ENOENT for
 * however often it is asked (`/proc/nope`, `/sys/fs/x`), so `tollgate start --data-dir /proc/nope`
 * spun at 100 % CPU instead of failing. Every directory that cannot be created or written is a
 * CliError (exit 1) naming it and what to do.
 */
export function prepareDataDir(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) {
    const broken = brokenLinkOnPath(at);
    if (broken?.link === at) throw new CliError(`${at} is a symbolic link to ${broken.target}, which ${broken.loop ? 'loops' : 'does not exist'}; restore it or choose another --data-dir.`);
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: DIR_MODE });
    } catch (err) {
      // ENOENT with the parent there: a file system that takes no new entries (procfs, sysfs).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(dirname(d)))
        throw new CliError(`cannot create ${d}: ${dirname(d)} does not take new directories (ENOENT); choose another --data-dir.`);
      throw new CliError(describeFailure(err) ?? `cannot create ${d}: ${(err as Error).message}; choose another --data-dir.`);
    }
  }
  try {
    if (!statSync(dir).isDirectory()) throw new CliError(`${dir} already exists and is not a directory; move it or choose another --data-dir.`);
    // The ledger's -wal and -shm files are created beside the database: the directory itself must take writes.
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(describeFailure(err) ?? `cannot use ${dir}: ${(err as Error).message}; choose another --data-dir.`);
  }
}
