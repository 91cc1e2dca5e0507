/**
 * `tollgate cache`: inspect and invalidate the cache in a data directory. Works on the SQLite file
 * directly (WAL lets it run beside a live proxy), so it needs no running proxy and no admin token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import { sha256 } from '../cache/canonical';
import { clearInBatches } from '../cache/clearInBatches';
import { ExactCache } from '../cache/exactCache';
import { SemanticStore } from '../cache/semantic/store';
import { numberOption, printable } from './common';
import { FINGERPRINT_FORM, KEY_FINGERPRINT } from '../policy/schema';
import { openDataDb } from './dataDb';
import { padColumns } from './displayWidth';
import { dataDirOption } from './paths';


/**
 * The pause between two batches of `cache clear` (cache/clearInBatches.ts), which runs beside a live
 * proxy on the same file: the proxy's writes get in between two.
 */
const CLEAR_PAUSE_MS = 20;

export function cacheCommand(): Command {
  const cmd = new Command('cache').description('inspect or clear the response cache (exact and semantic)');
  cmd
    .command('stats')
    .description('print the number of cached entries per endpoint and model')
    .addOption(dataDirOption())
    .action((opts: { dataDir?: string }) => {
      const { db, file } = openDataDb(opts.dataDir, true);
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cache_entries'").get() !== undefined;
      const rows = hasTable
        ? (db.prepare('SELECT endpoint, model, COUNT(*) AS n, SUM(hits) AS hits FROM cache_entries GROUP BY 1, 2 ORDER BY n DESC').all() as Array<{ endpoint: string; model: string; n: number; hits: number }>)
        : [];
      console.log(`${file}: ${rows.reduce((sum, r) => sum + r.n, 0)} entries`);
      for (const r of rows) console.log(`  ${padColumns(printable(r.endpoint), 18)} ${padColumns(printable(r.model), 32)} ${String(r.n).padStart(7)} entries ${String(r.hits ?? 0).padStart(7)} hits`);
      db.close();
    });
  cmd
    .command('clear')
    .description('remove cached answers: all of them, only expired ones, or those of one API key (by its tg_ fingerprint)')
    .addOption(dataDirOption())
    .addOption(new Option('--expired', 'only remove expired entries (of every key)').conflicts('key'))
    .option('--key <fingerprint>', 'only entries of this key fingerprint (`tollgate policy key-fingerprint` prints a key\'s), in the namespace of --cache-version (not read from the policy)')
    .option('--cache-version <n>', 'with --key: cache version the namespace was made with (policy cache.version; default 1)', numberOption({ integer: true, min: 0 }))
    .action(async function (this: Command, opts: { dataDir?: string; expired?: boolean; key?: string; cacheVersion?: number }) {
      if (opts.key !== undefined && !KEY_FINGERPRINT.test(opts.key)) this.error(`error: --key takes a key fingerprint like tg_0123456789abcdef (${FINGERPRINT_FORM}; never the key itself)`);
      if (opts.cacheVersion !== undefined && opts.key === undefined) this.error('error: --cache-version only applies with --key (it selects that key\'s namespace)');
      const { db } = openDataDb(opts.dataDir, false);
      try {
        const store = new SemanticStore(db);
        store.migrate();
        const selection = opts.expired ? { expired: true } : opts.key ? { namespace: sha256(`${opts.key}|v${opts.cacheVersion ?? 1}`).slice(0, 32) } : {};
        const { removed, vectors } = await clearInBatches(db, new ExactCache(db), store, selection, () => sleep(CLEAR_PAUSE_MS));
        console.log(`removed ${removed} cached answer(s)${vectors ? ` and ${vectors} semantic vector(s)` : ''}`);
        // A hint, not a result: on stderr, so `removed=$(tollgate cache clear)` reads one line.
        console.error('tip: bumping cache.version in the policy invalidates every entry without deleting anything');
      } finally {
        db.close();
      }
    });
  return cmd;
}
