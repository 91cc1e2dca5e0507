/**
 * The data directory's database for CLI commands that work on the file directly (WAL lets them run
 * beside a live proxy): no running proxy and no admin token needed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/open';
import { CliError, describeFailure } from './common';
import { dataDirFrom } from './paths';

/**
 * Opens the data directory's database; `readonly` for commands that only read (no chmod, no
 * write access needed). A missing or unusable file is a CliError naming it (exit 1).
 */
export function openDataDb(dataDir: string | undefined, readonly: boolean): { db: Db; file: string } {
  const dir = dataDirFrom(dataDir);
  const file = join(dir, 'tollgate.db');
  if (!existsSync(file)) throw new CliError(`no Tollgate database in ${dir} (start the proxy once, or pass --data-dir).`);
  try {
    return { db: openDatabase(file, readonly ? { readonly: true, vector: false } : {}), file };
  } catch (err) {
    const message = describeFailure(err, file);
    if (message) throw new CliError(message);
    const sqlite = (err as { errstr?: string }).errstr;
    if (sqlite) throw new CliError(`cannot open ${file}: ${sqlite}; check its permissions or pass --data-dir.`);
    throw err;
  }
}
