/**
 * `tollgate report --format csv` with tags and model names that carry control characters: a cell's
 * line break must not split its row for a CSV reader, and an ESC, NUL, C1 control or bidi override
 * must not reach the terminal or the spreadsheet raw. The output is read back with an RFC 4180
 * reader (written here; no CSV parser is installed) and must give one row per key, each key intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { formatReportCsv } from '../../proxy/src/cli/report';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { ledgerRow } from '../support/ledgerRow';
import { runCli } from './cli';

/** RFC 4180: fields split at commas, records at CRLF/LF outside quotes, `""` inside quotes is `"`. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point of the test
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

/** Each feature tag, and the cell a CSV reader must get back for it. */
const FEATURES: ReadonlyArray<readonly [string, string]> = [
  ['two\nlines', 'two\nlines'],
  ['crlf\r\nrow', 'crlf\r\nrow'],
  ['bs\u0008\u0008hidden', 'bs\\u0008\\u0008hidden'],
  ['esc\u001b[2J\u001b]0;owned\u0007title', 'esc\\u001b[2J\\u001b]0;owned\\u0007title'],
  ['c1\u009b31mred', 'c1\\u009b31mred'],
  ['bidi \u202egnp.exe\u202c and \u2066iso\u2069', 'bidi \\u202egnp.exe\\u202c and \\u2066iso\\u2069'],
  ['lone\rcarriage', 'lone\\u000dcarriage'],
  ['tab\there, "quoted"', 'tab\there, "quoted"'],
  ['=HYPERLINK("http://x")', "'=HYPERLINK(\"http://x\")"],
  ['plain', 'plain'],
];
const MODEL = 'gpt\u001b[31m-4o\u200f-mini\u2028x';

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-report-csv-'));
beforeAll(() => {
  const db = openDatabase(join(dataDir, 'tollgate.db'));
  try {
    const ledger = new Ledger(db);
    for (const [i, [feature]] of FEATURES.entries()) ledger.record(ledgerRow({ requestId: `r${i}`, tags: { feature }, modelRequested: MODEL, modelUsed: MODEL }));
  } finally {
    db.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (...args: string[]) => runCli(['report', '--data-dir', dataDir, '--since', '2000-01-01', '--format', 'csv', ...args], { cwd: dataDir, env: { HOME: dataDir } });

describe('tollgate report --format csv with control characters in cells', () => {
  it('one record per key for an RFC 4180 reader, line breaks kept in their cell, other controls spelled out', async () => {
    const r = await run('--by', 'feature');
    expect(r.code, r.stderr).toBe(0);
    const rows = readCsv(r.stdout.replace(/\n$/, ''));
    expect(rows[0]).toEqual(['feature', 'calls', 'costUsd', 'savedUsd', 'hits', 'inputTokens', 'outputTokens', 'unpricedCalls']);
    // Header, one row per feature, the totals: no cell broke its row, every row has every column.
    expect(rows).toHaveLength(FEATURES.length + 2);
    for (const row of rows) expect(row).toHaveLength(8);
    const keys = rows.slice(1, -1).map((row) => row[0]!);
    expect(rows.at(-1)![0]).toBe('total');
    for (const row of rows.slice(1, -1)) expect(row[1]).toBe('1');
    // Line breaks and quotes come back as they were; a formula stays text; the rest is spelled out.
    expect([...keys].sort()).toEqual(FEATURES.map(([, cell]) => cell).sort());
  });

  it('no raw ESC, NUL, C1, bidi control or lone CR reaches stdout, whatever the column', async () => {
    for (const by of ['feature', 'model']) {
      const r = await run('--by', by);
      expect(r.code, r.stderr).toBe(0);
      expect(RAW_CONTROL.test(r.stdout), JSON.stringify(r.stdout)).toBe(false);
    }
    const byModel = readCsv((await run('--by', 'model')).stdout.replace(/\n$/, ''));
    expect(byModel.map((row) => row[0])).toEqual(['model', 'gpt\\u001b[31m-4o\\u200f-mini\\u2028x', 'total']);
  });

  it('a NUL (which the ledger does not store) and a DEL are spelled out too', () => {
    const bucket = (key: string) => ({ key, calls: 1, costUsd: 0, savedUsd: 0, hits: 0, inputTokens: 0, outputTokens: 0 });
    const csv = formatReportCsv({ from: 0, to: 1, totals: bucket('total'), by: [bucket('a\u0000b\u007fc')] }, 'team');
    expect(readCsv(csv).map((row) => row[0])).toEqual(['team', 'a\\u0000b\\u007fc', 'total']);
  });
});
