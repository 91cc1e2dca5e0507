/**
 * `tollgate report`'s text table lines up when a name is CJK, Hangul, fullwidth, an emoji or has a
 * combining mark: it was padded by UTF-16 length, so every column after such a name drifted. Each
 * name's width below is what UAX #11 (East Asian Width) and UTS #51 (emoji presentation) give it;
 * the rows come from a real ledger file through the real CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { ledgerRow } from '../support/ledgerRow';
import { runCli } from './cli';

const COLUMNS: ReadonlyMap<string, number> = new Map([
  ['feature', 7], // the header
  ['chat', 4],
  ['日本語チーム', 12], // CJK ideographs and katakana: Wide
  ['한국어', 6], // Hangul syllables: Wide
  ['ｆｕｌｌ', 8], // fullwidth Latin: Fullwidth
  ['🚀launch', 8], // default emoji presentation
  ['👩‍💻dev', 5], // one ZWJ sequence, one emoji
  ['❤️ok', 4], // text-default heart made emoji by VS16
  ['🇯🇵', 2], // a flag: two regional indicators
  ['cafe\u0301', 4], // a combining acute accent takes no column
]);

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-report-wide-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('tollgate report text with wide names', () => {
  it('puts every column after the name at the same terminal column', async () => {
    const db = openDatabase(join(dataDir, 'tollgate.db'));
    try {
      const ledger = new Ledger(db);
      for (const [i, feature] of [...COLUMNS.keys()].slice(1).entries()) ledger.record(ledgerRow({ requestId: `r${i}`, tags: { feature }, costUsd: 0.001 * (i + 1) }));
    } finally {
      db.close();
    }
    const r = await runCli(['report', '--data-dir', dataDir, '--by', 'feature'], { cwd: dataDir, env: { HOME: dataDir } });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').slice(3);
    expect(rows).toHaveLength(COLUMNS.size);
    // Everything after the name is ASCII: the name's columns plus the rest's length is the row's width.
    const ends = rows.map((row) => {
      const name = [...COLUMNS.keys()].find((k) => row.startsWith(`  ${k} `));
      expect(name, row).toBeDefined();
      return COLUMNS.get(name!)! + row.length - name!.length;
    });
    expect(new Set(ends).size, rows.join('\n')).toBe(1);
  }, 60_000);
});
