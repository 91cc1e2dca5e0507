/**
 * `tollgate cache`: inspect and invalidate the cache in a data directory. Works on the SQLite file
 * directly (WAL lets it run beside a live proxy), so it needs no running proxy and no admin token.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { sha256 } from '../cache/canonical';
import { ExactCache } from '../cache/exactCache';
import { openDatabase, type Db } from '../db/open';
import { deleteOrphanVectors } from '../cache/semanticCache';
import { SemanticStore } from '../cache/semantic/store';
import { defaultDataDir } from './paths';

function openCache(dataDir: string | undefined): { db: Db; cache: ExactCache; file: string } {
  const dir = dataDir ? resolve(dataDir) : defaultDataDir();
  const file = join(dir, 'tollgate.db');
  if (!existsSync(file)) {
    console.error(`tollgate: no Tollgate database in ${dir} (start the proxy once, or pass --data-dir).`);
    process.exit(2);
  }
  const db = openDatabase(file);
  return { db, cache: new ExactCache(db), file };
}

export function cacheCommand(): Command {
  const cmd = new Command('cache').description('inspect or clear the response cache (exact and semantic)');
  cmd
    .command('stats')
    .description('print the number of cached entries per endpoint and model')
    .option('-d, --data-dir <dir>', 'data directory (default: $TOLLGATE_DATA_DIR or ~/.tollgate)')
    .action((opts: { dataDir?: string }) => {
      const { db, cache, file } = openCache(opts.dataDir);
      const rows = db.prepare('SELECT endpoint, model, COUNT(*) AS n, SUM(hits) AS hits FROM cache_entries GROUP BY 1, 2 ORDER BY n DESC').all() as Array<{ endpoint: string; model: string; n: number; hits: number }>;
      console.log(`${file}: ${cache.count()} entries`);
      for (const r of rows) console.log(`  ${r.endpoint.padEnd(18)} ${r.model.padEnd(32)} ${String(r.n).padStart(7)} entries ${String(r.hits ?? 0).padStart(7)} hits`);
      db.close();
    });
  cmd
    .command('clear')
    .description('remove cached answers: all of them, only expired ones, or those of one API key (by its tg_ fingerprint)')
    .option('-d, --data-dir <dir>', 'data directory (default: $TOLLGATE_DATA_DIR or ~/.tollgate)')
    .option('--expired', 'only remove expired entries')
    .option('--key <fingerprint>', 'only entries of this key fingerprint (as shown in the dashboard), in the namespace of --cache-version (not read from the policy)')
    .option('--cache-version <n>', 'cache version the namespace was made with (policy cache.version)', '1')
    .action((opts: { dataDir?: string; expired?: boolean; key?: string; cacheVersion: string }) => {
      const { db, cache } = openCache(opts.dataDir);
      let removed: number;
      if (opts.expired) {
        removed = cache.housekeep(Number.MAX_SAFE_INTEGER);
      } else if (opts.key) {
        if (!/^tg_[0-9a-f]{16}$|^tg_anonymous$/.test(opts.key)) {
          console.error('tollgate: --key takes a key fingerprint like tg_0123456789abcdef (never the key itself).');
          process.exit(2);
        }
        removed = cache.clear(sha256(`${opts.key}|v${Number(opts.cacheVersion)}`).slice(0, 32));
      } else {
        removed = cache.clear();
      }
      const store = new SemanticStore(db);
      store.migrate();
      const vectors = deleteOrphanVectors(db, store);
      console.log(`removed ${removed} cached answer(s)${vectors ? ` and ${vectors} semantic vector(s)` : ''}`);
      console.log('tip: bumping cache.version in the policy invalidates every entry without deleting anything');
      db.close();
    });
  return cmd;
}
