/**
 * `tollgate cache`: inspect and invalidate the cache in a data directory. Works on the SQLite file
 * directly (WAL lets it run beside a live proxy), so it needs no running proxy and no admin token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import { sha256 } from '../cache/canonical';
import { ExactCache } from '../cache/exactCache';
import { SemanticStore } from '../cache/semantic/store';
import type { Db } from '../db/open';
import { numberOption, printable } from './common';
import { openDataDb } from './dataDb';

const KEY_FINGERPRINT = /^tg_[0-9a-f]{16}$|^tg_anonymous$/;

/**
 * Entries (or vectors) removed per transaction by `cache clear`, and the pause between two. The
 * command runs beside a live proxy on the same file: one DELETE of a year's cache (100k+ answers,
 * then one transaction for every orphaned vector) held the write lock for 10+ s, and every call
 * through the proxy meanwhile waited for it to write its ledger row (8.5 s measured). In batches,
 * the proxy's writes get in between two.
 */
export const CLEAR_BATCH = 200;
const CLEAR_PAUSE_MS = 20;

/** Removes `ids` with `remove`, CLEAR_BATCH per transaction; returns how many were there to remove. */
async function removeInBatches(db: Db, ids: number[], remove: (id: number) => boolean): Promise<number> {
  let removed = 0;
  for (let i = 0; i < ids.length; i += CLEAR_BATCH) {
    if (i > 0) await sleep(CLEAR_PAUSE_MS);
    // IMMEDIATE: the batch waits (busy_timeout) for a live proxy's write to finish instead of
    // reading first and failing with SQLITE_BUSY when it then needs to write.
    db.transaction(() => {
      for (const id of ids.slice(i, i + CLEAR_BATCH)) if (remove(id)) removed++;
    }).immediate();
  }
  return removed;
}

export function cacheCommand(): Command {
  const cmd = new Command('cache').description('inspect or clear the response cache (exact and semantic)');
  cmd
    .command('stats')
    .description('print the number of cached entries per endpoint and model')
    .option('-d, --data-dir <dir>', 'data directory (default: $TOLLGATE_DATA_DIR or ~/.tollgate)')
    .action((opts: { dataDir?: string }) => {
      const { db, file } = openDataDb(opts.dataDir, true);
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cache_entries'").get() !== undefined;
      const rows = hasTable
        ? (db.prepare('SELECT endpoint, model, COUNT(*) AS n, SUM(hits) AS hits FROM cache_entries GROUP BY 1, 2 ORDER BY n DESC').all() as Array<{ endpoint: string; model: string; n: number; hits: number }>)
        : [];
      console.log(`${file}: ${rows.reduce((sum, r) => sum + r.n, 0)} entries`);
      for (const r of rows) console.log(`  ${printable(r.endpoint).padEnd(18)} ${printable(r.model).padEnd(32)} ${String(r.n).padStart(7)} entries ${String(r.hits ?? 0).padStart(7)} hits`);
      db.close();
    });
  cmd
    .command('clear')
    .description('remove cached answers: all of them, only expired ones, or those of one API key (by its tg_ fingerprint)')
    .option('-d, --data-dir <dir>', 'data directory (default: $TOLLGATE_DATA_DIR or ~/.tollgate)')
    .addOption(new Option('--expired', 'only remove expired entries (of every key)').conflicts('key'))
    .option('--key <fingerprint>', 'only entries of this key fingerprint (as shown in the dashboard), in the namespace of --cache-version (not read from the policy)')
    .option('--cache-version <n>', 'with --key: cache version the namespace was made with (policy cache.version; default 1)', numberOption({ integer: true, min: 0 }))
    .action(async function (this: Command, opts: { dataDir?: string; expired?: boolean; key?: string; cacheVersion?: number }) {
      if (opts.key !== undefined && !KEY_FINGERPRINT.test(opts.key)) this.error('error: --key takes a key fingerprint like tg_0123456789abcdef (tg_ and 16 hex digits, as the dashboard shows it; never the key itself)');
      if (opts.cacheVersion !== undefined && opts.key === undefined) this.error('error: --cache-version only applies with --key (it selects that key\'s namespace)');
      const { db } = openDataDb(opts.dataDir, false);
      try {
        const cache = new ExactCache(db);
        // The entries to remove as of now (what one DELETE would have removed); entries a live
        // proxy adds meanwhile get new ids and stay.
        const ids = (
          opts.expired
            ? db.prepare('SELECT id FROM cache_entries WHERE expires_at <= ?').pluck().all(Date.now())
            : opts.key
              ? db.prepare('SELECT id FROM cache_entries WHERE namespace = ?').pluck().all(sha256(`${opts.key}|v${opts.cacheVersion ?? 1}`).slice(0, 32))
              : db.prepare('SELECT id FROM cache_entries').pluck().all()
        ) as number[];
        const removed = await removeInBatches(db, ids, (id) => cache.delete(id));
        const store = new SemanticStore(db);
        store.migrate();
        // Vectors whose answer is gone (cache/semanticCache.ts deleteOrphanVectors, in batches).
        const orphans = db.prepare('SELECT entry_id FROM semantic_entries WHERE entry_id NOT IN (SELECT id FROM cache_entries)').pluck().all() as number[];
        await removeInBatches(db, orphans, (id) => {
          store.delete(id);
          return true;
        });
        const vectors = orphans.length;
        console.log(`removed ${removed} cached answer(s)${vectors ? ` and ${vectors} semantic vector(s)` : ''}`);
        // A hint, not a result: on stderr, so `removed=$(tollgate cache clear)` reads one line.
        console.error('tip: bumping cache.version in the policy invalidates every entry without deleting anything');
      } finally {
        db.close();
      }
    });
  return cmd;
}
