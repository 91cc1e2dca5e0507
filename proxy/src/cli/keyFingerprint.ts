/**
 * `tollgate policy key-fingerprint`: the `tg_` fingerprint a key's calls are recorded and budgeted under,
 * for a policy's `scope.key` and `tags.keys` and for `cache clear --key`. It is salted per data
 * directory, so it is computed with that directory's salt. The key comes from stdin or a named
 * environment variable — never the command line, which shell history and `ps` keep — and is never printed.
 */
import { Command } from 'commander';
import { getMeta } from '../db/open';
import { CliError, printable, readStdin } from './common';
import { openDataDb } from './dataDb';
import { dataDirOption } from './paths';

export function keyFingerprintCommand(): Command {
  return new Command('key-fingerprint')
    .description('print the tg_ fingerprint of an API key piped on stdin (or read from --env), with this data directory\'s salt; the key is never printed')
    .addOption(dataDirOption())
    .option('--env <name>', 'read the key from this environment variable (e.g. OPENAI_API_KEY) instead of stdin')
    .action(async function (this: Command, opts: { dataDir?: string; env?: string }) {
      // A key typed at a terminal is echoed on screen: only a pipe or a variable.
      if (opts.env === undefined && process.stdin.isTTY) this.error('error: pipe the key in (printf %s "$OPENAI_API_KEY" | tollgate policy key-fingerprint) or name its variable with --env OPENAI_API_KEY');
      // Trimmed as the proxy trims a key it is sent: `echo`'s newline is not part of the key.
      const key = (opts.env === undefined ? (await readStdin()).toString('utf8') : process.env[opts.env])?.trim();
      if (!key) this.error(opts.env === undefined ? 'error: no key on stdin' : `error: ${printable(opts.env)} is unset or empty`);
      const { keyFingerprint } = await import('../pipeline/identity');
      const { db, file } = openDataDb(opts.dataDir, true);
      try {
        const salt = getMeta(db, 'fingerprint_salt');
        if (!salt) throw new CliError(`${file} has no fingerprint salt yet: start the proxy on this data directory once.`);
        const fingerprint = keyFingerprint(salt, key);
        console.log(fingerprint);
        // A key sent to a proxy on another data directory has another fingerprint there: say whether this ledger knows it.
        const { calls } = db.prepare('SELECT COUNT(*) AS calls FROM calls WHERE key_fingerprint = ?').get(fingerprint) as { calls: number };
        console.error(calls > 0 ? `tollgate: ${calls} call${calls === 1 ? '' : 's'} with this key in ${file}` : `tollgate: no call with this key in ${file} yet (a fingerprint belongs to one data directory: pass the proxy's --data-dir)`);
      } finally {
        db.close();
      }
    });
}
