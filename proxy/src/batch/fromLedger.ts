/**
 * `tollgate batch from-ledger`, as a function: asks the running proxy for the batch file of one
 * feature's captured calls in a period (GET /tollgate/batch/export) and writes it, ready for
 * `tollgate batch submit`. The period is read in local time (period.ts).
 */
import { writePrivateFile } from '../db/permissions';
import { BATCH_EXPORT_HEADERS } from '../../../contract/batch';
import { formatLocal, parsePeriod } from './period';

export interface FromLedgerOptions {
  proxy: string;
  adminToken?: string;
  feature: string;
  since: string;
  until?: string;
  provider?: string;
  out: string;
  /** The clock, for "yesterday" (tests). */
  now?: number;
}

export interface FromLedgerReport {
  file: string;
  feature: string;
  since: number;
  until: number;
  lines: number;
  format: 'openai' | 'anthropic';
  uncaptured: number;
  skipped: number;
}

export async function batchFromLedger(opts: FromLedgerOptions): Promise<FromLedgerReport> {
  const period = parsePeriod(opts.since, opts.until, opts.now);
  const q = new URLSearchParams({ feature: opts.feature, since: String(period.since), until: String(period.until) });
  if (opts.provider) q.set('provider', opts.provider);
  const base = opts.proxy.replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(`${base}/tollgate/batch/export?${q}`, { headers: opts.adminToken ? { authorization: `Bearer ${opts.adminToken}` } : {} });
  } catch (err) {
    throw new Error(`the Tollgate proxy at ${base} is not reachable (${(err as Error).message}); start it with \`tollgate start\` or pass --proxy`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // not JSON
    }
    throw new Error(res.status === 401 ? `the proxy wants its admin token (--admin-token or $TOLLGATE_ADMIN_TOKEN): ${message}` : message);
  }
  // Captured prompts (and what they may contain): private to the user, like the data directory.
  writePrivateFile(opts.out, text);
  return {
    file: opts.out,
    feature: opts.feature,
    since: period.since,
    until: period.until,
    lines: Number(res.headers.get(BATCH_EXPORT_HEADERS.lines) ?? 0),
    format: res.headers.get(BATCH_EXPORT_HEADERS.format) === 'anthropic' ? 'anthropic' : 'openai',
    uncaptured: Number(res.headers.get(BATCH_EXPORT_HEADERS.uncaptured) ?? 0),
    skipped: Number(res.headers.get(BATCH_EXPORT_HEADERS.skipped) ?? 0),
  };
}

export function formatFromLedger(r: FromLedgerReport): string {
  const lines = [
    `wrote ${r.lines} request${r.lines === 1 ? '' : 's'} of feature ${r.feature} (${formatLocal(r.since)} to ${formatLocal(r.until)}) as ${r.format === 'openai' ? 'OpenAI batch lines' : 'Anthropic {custom_id, params} lines'} to ${r.file}`,
  ];
  if (r.uncaptured > 0) lines.push(`${r.uncaptured} call${r.uncaptured === 1 ? '' : 's'} of that period had no captured body (before batch.capture named the feature, or larger than maxBytes)`);
  if (r.skipped > 0) lines.push(`${r.skipped} captured call${r.skipped === 1 ? '' : 's'} left out (endpoint with no batch API)`);
  lines.push(`next: tollgate batch submit ${r.file} --feature ${r.feature}`);
  return lines.join('\n');
}
