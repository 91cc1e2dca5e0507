/**
 * `tollgate report`: what the calls through the proxy cost, from the ledger — for people who run
 * the proxy without VS Code (the dashboard shows the same totals). Reads the data directory's
 * database directly and read-only, so it needs no running proxy and no admin token, and runs
 * beside a live one. The totals are the ledger's own summary (the dashboard's `/tollgate/summary`).
 */
import { Command, Option } from 'commander';
import { type CallFilter, type Summary, type SummaryBucket, SUMMARY_DIMENSIONS, type SummaryDimension } from '../../../contract/api';
import { formatPercent, formatTokens, formatUsd } from '../../../contract/format';
import { formatLocal, PeriodError, parsePeriod } from '../batch/period';
import { Ledger } from '../ledger/ledger';
import { CliError, printable, printableJson } from './common';
import { openDataDb } from './dataDb';
import { displayWidth, padColumns } from './displayWidth';
import { dataDirOption } from './paths';

const FORMATS = ['text', 'json', 'csv'] as const;

interface ReportOptions {
  dataDir?: string;
  since?: string;
  until?: string;
  by: SummaryDimension;
  format: (typeof FORMATS)[number];
  team?: string;
  feature?: string;
  user?: string;
  model?: string;
}

/** Local midnight of the first day of this month: the default period, as `--since` reads dates (a monthly budget's month is UTC's). */
function monthStart(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/**
 * What a cell must not carry raw: C0 controls but TAB and a line break (NUL, ESC…; a CR not
 * followed by LF, which returns a terminal's cursor over the text before it), DEL, C1 controls
 * (U+009B is CSI), the Unicode line and paragraph separators, and the bidi controls that reorder or
 * hide what a spreadsheet or terminal shows (LRM/RLM/ALM, embeddings, overrides, isolates).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CSV_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

/**
 * One CSV cell (RFC 4180), and never a formula when opened in a spreadsheet. A line break (LF,
 * CRLF) stays as it is inside the quoted cell, as RFC 4180 allows: a CSV reader gets the value back
 * unchanged and the row count right. Other controls are spelled `\u001b`, as the text format prints
 * them: they have no safe raw form.
 */
function csvCell(value: string | number): string {
  let s = String(value).replace(CSV_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const COLUMNS = ['calls', 'costUsd', 'savedUsd', 'hits', 'inputTokens', 'outputTokens', 'unpricedCalls'] as const;

export function formatReportCsv(summary: Summary, by: SummaryDimension): string {
  const rows = [[by, ...COLUMNS], ...[...summary.by, summary.totals].map((b) => [b.key, ...COLUMNS.map((c) => b[c] ?? 0)])];
  return rows.map((r) => r.map(csvCell).join(',')).join('\n');
}

export function formatReportText(summary: Summary, by: SummaryDimension, file: string, now: number): string {
  const t = summary.totals;
  const until = summary.to > now ? 'now' : formatLocal(summary.to);
  const lines = [`${file}: ${formatLocal(summary.from)} → ${until} (local time)`];
  if (t.calls === 0) {
    lines.push('  no calls in this period');
    return lines.join('\n');
  }
  // A model with no known price costs $0 in the ledger: the headline and a column say so rather than read as free.
  const unpriced = t.unpricedCalls ? ` + ${t.unpricedCalls} call${t.unpricedCalls === 1 ? '' : 's'} of no known price` : '';
  lines.push(
    `  ${t.calls} call${t.calls === 1 ? '' : 's'}, cost ${formatUsd(t.costUsd)}${unpriced}, saved ${formatUsd(t.savedUsd)} by ${t.hits} cache hit${t.hits === 1 ? '' : 's'} (${formatPercent(t.hits / t.calls, 1)}), tokens ${formatTokens(t.inputTokens)} in / ${formatTokens(t.outputTokens)} out`,
  );
  const row = (b: SummaryBucket) => [printable(b.key), String(b.calls), formatUsd(b.costUsd), formatUsd(b.savedUsd), String(b.hits), formatTokens(b.inputTokens), formatTokens(b.outputTokens), ...(unpriced ? [String(b.unpricedCalls ?? 0)] : [])];
  const table = [[by, 'calls', 'cost', 'saved', 'hits', 'in', 'out', ...(unpriced ? ['unpriced'] : [])], ...summary.by.map(row)];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => displayWidth(r[i]!))));
  lines.push('', ...table.map((r) => `  ${r.map((cell, i) => (i === 0 ? padColumns(cell, widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd()));
  return lines.join('\n');
}

export function reportCommand(): Command {
  return new Command('report')
    .description('what the calls through the proxy cost: totals and a breakdown from the ledger (no running proxy needed)')
    .addOption(dataDirOption())
    .option('--since <when>', 'today, yesterday, YYYY-MM-DD, an ISO date-time or epoch ms (local time); default: the start of this month')
    .option('--until <when>', 'end of the period (a bare date includes that day); default: now')
    .addOption(new Option('--by <dimension>', 'break the totals down by').choices([...SUMMARY_DIMENSIONS]).default('model'))
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('--team <team>', 'only calls tagged with this team')
    .option('--feature <feature>', 'only calls tagged with this feature')
    .option('--user <user>', 'only calls tagged with this user')
    .option('--model <model>', 'only calls to this model')
    .action(function (this: Command, opts: ReportOptions) {
      const now = Date.now();
      let period: { since: number; until: number };
      try {
        period = opts.since !== undefined ? parsePeriod(opts.since, opts.until, now) : parsePeriod(String(monthStart(now)), opts.until, now);
      } catch (err) {
        if (err instanceof PeriodError) this.error(`error: ${err.message}`);
        throw err;
      }
      const filter: CallFilter = {
        ...(opts.team !== undefined ? { team: opts.team } : {}),
        ...(opts.feature !== undefined ? { feature: opts.feature } : {}),
        ...(opts.user !== undefined ? { user: opts.user } : {}),
        ...(opts.model !== undefined ? { model: opts.model } : {}),
      };
      const { db, file } = openDataDb(opts.dataDir, true);
      let summary: Summary;
      try {
        summary = new Ledger(db).summary({ from: period.since, to: period.until, by: opts.by, filter });
      } catch (err) {
        const sqlite = (err as { errstr?: string }).errstr;
        if (sqlite) throw new CliError(`cannot read the ledger in ${file}: ${sqlite} (a database from an older version is upgraded when the proxy starts)`);
        throw err;
      } finally {
        db.close();
      }
      if (opts.format === 'json') console.log(printableJson(JSON.stringify(summary, null, 2)));
      else if (opts.format === 'csv') console.log(formatReportCsv(summary, opts.by));
      else console.log(formatReportText(summary, opts.by, file, now));
    });
}
