/**
 * `tollgate batch submit`, as a function: sends a JSONL of requests (OpenAI batch lines, or
 * Anthropic `{custom_id, params}` lines) through a running proxy, follows the batch with a progress
 * display until it ends, writes the results beside the input and reports the saving against
 * real-time prices. Speaks only the providers' public batch APIs (via the proxy), so it works with
 * any Tollgate and tells the user what the cache answered.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isUnreachable, proxyUnreachable } from '../cli/unreachable';
import { writePrivateFile } from '../db/permissions';
import { priceCall } from '../pricing/price';
import { obj, usageOf, type Json } from '../providers';
import { ANTHROPIC_PATHS, OPENAI_PATHS } from '../providers/protocol';
import { openaiEndpointForUrl, parseJsonl, readAnthropicRequests, readAnthropicResults, readOpenAIResults } from './lines';
import { priceAtTier } from './rates';

export interface BatchSubmitOptions {
  file: string;
  /** Proxy base URL, e.g. http://127.0.0.1:4141 */
  proxy: string;
  apiKey?: string;
  tags?: { team?: string; feature?: string; user?: string };
  /** Send every line to the provider, even those the exact cache could answer (`x-tollgate-cache: no-cache`). */
  noCache?: boolean;
  pollMs: number;
  /** Stop waiting after this long (the batch keeps running at the provider). */
  maxWaitMs: number;
  /** Where progress goes; a TTY gets a redrawn bar, anything else plain lines. */
  out: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface BatchSubmitReport {
  batchId: string;
  format: 'openai' | 'anthropic';
  requests: number;
  cached: number;
  succeeded: number;
  failed: number;
  status: string;
  resultsFile?: string;
  errorsFile?: string;
  batchUsd: number;
  realtimeUsd: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Progress {
  private last = '';
  constructor(private readonly out: BatchSubmitOptions['out']) {}
  update(status: string, done: number, total: number): void {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
    if (this.out.isTTY) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${done}/${total} ${status}   `);
      return;
    }
    // Plain lines for CI logs: one per status change or 10 % step.
    const line = `${status} ${Math.floor(pct / 10) * 10}%`;
    if (line !== this.last) this.out.write(`batch ${status}: ${done}/${total} (${pct}%)\n`);
    this.last = line;
  }
  end(): void {
    if (this.out.isTTY) this.out.write('\n');
  }
}

async function call(opts: BatchSubmitOptions, method: string, path: string, body?: BodyInit, contentType?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (contentType) headers['content-type'] = contentType;
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  for (const [k, v] of Object.entries(opts.tags ?? {})) if (v) headers[`x-tollgate-${k}`] = v;
  if (opts.noCache) headers['x-tollgate-cache'] = 'no-cache';
  const res = await fetch(`${opts.proxy.replace(/\/+$/, '')}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      const j = JSON.parse(text) as { error?: { message?: string } };
      message = j.error?.message ?? text;
    } catch {
      // not JSON
    }
    throw new Error(`${method} ${path} → ${res.status}: ${message}`);
  }
  return res;
}

/**
 * A batch's status, asked for while waiting: a proxy that does not answer (restarted under a
 * day-long wait, by an editor reload, say) is asked again at the next poll, said once per outage.
 * Ending the wait there left a batch running at the provider whose results no one wrote, and
 * running the command again submitted it, and paid for it, twice.
 */
function statusPoller(opts: BatchSubmitOptions, batchId: string): (path: string) => Promise<Json | undefined> {
  let unanswered = false;
  return async (path) => {
    try {
      const batch = (await (await call(opts, 'GET', path)).json()) as Json;
      unanswered = false;
      return batch;
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      if (!unanswered) opts.out.write(`${opts.out.isTTY ? '\n' : ''}batch ${batchId}: ${proxyUnreachable(opts.proxy, err)} Still waiting: the batch runs on at the provider.\n`);
      unanswered = true;
      return undefined;
    }
  };
}

export async function submitBatch(opts: BatchSubmitOptions): Promise<BatchSubmitReport> {
  const text = readFileSync(opts.file, 'utf8');
  const lines = parseJsonl(text);
  if (lines.length === 0) throw new Error(`${opts.file} holds no requests`);
  const first = lines[0]!.value;
  const format: 'openai' | 'anthropic' = obj(first.params) ? 'anthropic' : 'openai';
  const progress = new Progress(opts.out);
  const stem = join(dirname(opts.file), basename(opts.file, extname(opts.file)));
  const report: BatchSubmitReport = { batchId: '', format, requests: lines.length, cached: 0, succeeded: 0, failed: 0, status: '', batchUsd: 0, realtimeUsd: 0 };
  const started = Date.now();

  let resultsText = '';
  let errorsText = '';
  if (format === 'openai') {
    const endpointUrl = String(first.url ?? OPENAI_PATHS['chat.completions']);
    const form = new FormData();
    form.set('purpose', 'batch');
    form.set('file', new Blob([text], { type: 'application/jsonl' }), basename(opts.file));
    const up = await call(opts, 'POST', OPENAI_PATHS.files, form);
    report.cached = Number(up.headers.get('x-tollgate-batch-cached') ?? 0);
    const file = (await up.json()) as { id: string };
    const created = await call(opts, 'POST', OPENAI_PATHS.batches, JSON.stringify({ input_file_id: file.id, endpoint: endpointUrl, completion_window: '24h' }), 'application/json');
    let batch = (await created.json()) as Json;
    report.batchId = String(batch.id);
    opts.out.write(`batch ${report.batchId}: ${lines.length} requests, ${report.cached} answered by the cache (not sent)\n`);
    const poll = statusPoller(opts, report.batchId);
    for (;;) {
      const status = String(batch.status);
      const counts = obj(batch.request_counts) ?? {};
      const done = Number(counts.completed ?? 0) + Number(counts.failed ?? 0) + report.cached;
      progress.update(status, Math.min(done, lines.length), lines.length);
      if (['completed', 'failed', 'expired', 'cancelled'].includes(status)) break;
      if (Date.now() - started > opts.maxWaitMs) break;
      await sleep(opts.pollMs);
      batch = (await poll(`${OPENAI_PATHS.batches}/${encodeURIComponent(report.batchId)}`)) ?? batch;
    }
    progress.end();
    report.status = String(batch.status);
    if (typeof batch.output_file_id === 'string') resultsText = await (await call(opts, 'GET', `${OPENAI_PATHS.files}/${encodeURIComponent(batch.output_file_id)}/content`)).text();
    if (typeof batch.error_file_id === 'string') errorsText = await (await call(opts, 'GET', `${OPENAI_PATHS.files}/${encodeURIComponent(batch.error_file_id)}/content`)).text();
    const endpoint = openaiEndpointForUrl(endpointUrl) ?? 'chat.completions';
    const results = [...readOpenAIResults(resultsText, usageOf, endpoint), ...readOpenAIResults(errorsText, usageOf, endpoint)];
    tally(report, results, 'openai', cachedIds(resultsText, 'openai'));
  } else {
    const requests = lines.map(({ value }) => ({ custom_id: value.custom_id, params: value.params }));
    // The API takes an array, so the proxy can only number requests; check here, where the file's
    // own line numbers (blank lines included) are known. Throws BatchLineError("line 5: …").
    readAnthropicRequests({ requests }, lines.map((l) => l.line));
    const created = await call(opts, 'POST', ANTHROPIC_PATHS.batches, JSON.stringify({ requests }), 'application/json');
    report.cached = Number(created.headers.get('x-tollgate-batch-cached') ?? 0);
    let batch = (await created.json()) as Json;
    report.batchId = String(batch.id);
    opts.out.write(`batch ${report.batchId}: ${lines.length} requests, ${report.cached} answered by the cache (not sent)\n`);
    const poll = statusPoller(opts, report.batchId);
    for (;;) {
      const counts = obj(batch.request_counts) ?? {};
      const done = ['succeeded', 'errored', 'canceled', 'expired'].reduce((n, k) => n + Number(counts[k] ?? 0), 0) + report.cached;
      const status = String(batch.processing_status);
      progress.update(status, Math.min(done, lines.length), lines.length);
      if (status === 'ended' || Date.now() - started > opts.maxWaitMs) break;
      await sleep(opts.pollMs);
      batch = (await poll(`${ANTHROPIC_PATHS.batches}/${encodeURIComponent(report.batchId)}`)) ?? batch;
    }
    progress.end();
    report.status = String(batch.processing_status);
    if (report.status === 'ended') resultsText = await (await call(opts, 'GET', `${ANTHROPIC_PATHS.batches}/${encodeURIComponent(report.batchId)}/results`)).text();
    tally(report, readAnthropicResults(resultsText, usageOf), 'anthropic', cachedIds(resultsText, 'anthropic'));
  }

  if (resultsText) {
    report.resultsFile = `${stem}.results.jsonl`;
    // Model answers to the captured prompts: private to the user, like the data directory.
    writePrivateFile(report.resultsFile, resultsText);
  }
  if (errorsText) {
    report.errorsFile = `${stem}.errors.jsonl`;
    writePrivateFile(report.errorsFile, errorsText);
  }
  return report;
}

/** Result lines Tollgate served from its cache (OpenAI: request_id "tollgate-cache"; Anthropic: `"tollgate": "cache"`). */
function cachedIds(text: string, format: 'openai' | 'anthropic'): Set<string> {
  const ids = new Set<string>();
  if (!text) return ids;
  for (const { value } of parseJsonl(text)) {
    if (format === 'openai' && obj(value.response)?.request_id === 'tollgate-cache') ids.add(String(value.custom_id));
    if (format === 'anthropic' && value.tollgate === 'cache') ids.add(String(value.custom_id));
  }
  return ids;
}

function tally(report: BatchSubmitReport, results: ReturnType<typeof readOpenAIResults>, provider: 'openai' | 'anthropic', cached: Set<string>): void {
  for (const r of results) {
    if (r.status !== 200) {
      report.failed += 1;
      continue;
    }
    report.succeeded += 1;
    if (!r.usage || !r.model) continue;
    const realtime = priceCall(r.model, r.usage, provider).totalUsd;
    report.realtimeUsd += realtime;
    if (!cached.has(r.customId)) report.batchUsd += priceAtTier(r.model, r.usage, provider, 'batch').totalUsd;
  }
}

export function formatReport(r: BatchSubmitReport): string {
  const saved = r.realtimeUsd - r.batchUsd;
  const pct = r.realtimeUsd > 0 ? (saved / r.realtimeUsd) * 100 : 0;
  const lines = [
    `batch ${r.batchId} ${r.status}: ${r.requests} requests — ${r.cached} answered by the cache, ${r.succeeded} succeeded, ${r.failed} failed`,
    `cost $${r.batchUsd.toFixed(6)} (batch rate) vs $${r.realtimeUsd.toFixed(6)} real-time: saved $${saved.toFixed(6)} (${pct.toFixed(1)} %)`,
  ];
  if (r.resultsFile) lines.push(`results: ${r.resultsFile}`);
  if (r.errorsFile) lines.push(`errors:  ${r.errorsFile}`);
  return lines.join('\n');
}

