/**
 * Batch files from the ledger: with `batch.capture` naming a feature, real SDK calls through the
 * proxy keep their request bodies (only for that feature, never a key), `tollgate batch
 * from-ledger` turns a period of them into the provider's batch lines with custom_id = the ledger
 * row, and `tollgate batch submit` runs that file end to end against the fake provider. Without
 * capture, the error says how to turn it on.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, lstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStore } from '../../proxy/src/batch/capture';
import { submitBatch } from '../../proxy/src/batch/client';
import { batchFromLedger, formatFromLedger } from '../../proxy/src/batch/fromLedger';
import { parsePeriod } from '../../proxy/src/batch/period';
import { startHarness, type Harness } from '../support/harness';

const OPENAI_KEY = 'sk-capture-secret-0123456789abcdef';
const ANTHROPIC_KEY = 'sk-ant-capture-secret-0123456789';
let h: Harness;
let dir: string;
const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });

beforeAll(async () => {
  h = await startHarness({ batch: { capture: { features: ['eval', 'grade-*'], maxBytes: 4096, retentionDays: 3 } } });
  h.upstream.batch.autoComplete = true;
  dir = mkdtempSync(join(tmpdir(), 'tollgate-from-ledger-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

function capturedRows(): Array<{ call_id: number; feature: string; body: string }> {
  return h.proxy.services.db.prepare('SELECT call_id, feature, body FROM captured_requests ORDER BY call_id').all() as Array<{ call_id: number; feature: string; body: string }>;
}

describe('batch.capture + tollgate batch from-ledger + submit', () => {
  it('keeps the bodies of the named features only, re-runs them as a batch end to end', async () => {
    const evalClient = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: OPENAI_KEY, maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'eval', 'x-tollgate-cache': 'no-store' } });
    const chat = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: OPENAI_KEY, maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'chat' } });
    const questions = ['is 17 prime', 'capital of France', 'spell "necessary"', 'sum of 2 and 40'];
    for (const q of questions) await evalClient.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Grade strictly.' }, { role: 'user', content: q }], max_tokens: 30, temperature: 0 });
    // A streamed eval call: kept too; the batch line drops the streaming flags.
    const stream = await evalClient.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'streamed grading question' }], max_tokens: 30 });
    for await (const _c of stream) void _c;
    for (let i = 0; i < 3; i++) await chat.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `chat turn ${i}` }] });
    // Larger than maxBytes (4 KiB): its ledger row is written, its body is not kept.
    await evalClient.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `long context ${'x'.repeat(5000)}` }], max_tokens: 30 });

    const rows = capturedRows();
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.feature))).toEqual(new Set(['eval']));
    const ledger = h.proxy.services.ledger.page({ feature: 'eval' }, 100).calls;
    expect(ledger).toHaveLength(6);
    // Each kept body is linked to its ledger row.
    for (const r of rows) expect(ledger.map((c) => c.id)).toContain(r.call_id);
    // Never a key: not in the kept bodies, not anywhere in the database files.
    for (const r of rows) expect(r.body).not.toContain('sk-');
    for (const f of ['tollgate.db', 'tollgate.db-wal']) {
      const bytes = (() => {
        try {
          return readFileSync(join(h.dataDir, f));
        } catch {
          return Buffer.alloc(0);
        }
      })();
      expect(bytes.includes(Buffer.from(OPENAI_KEY))).toBe(false);
    }

    const out = join(dir, 'eval.jsonl');
    // A file left at --out by an older run (or another tool), world-readable, and a link planted where
    // the results go, onto a file of the user's: the writes are private whatever was there.
    const victim = join(dir, 'notes.txt');
    for (const f of [out, victim]) {
      writeFileSync(f, 'earlier text\n');
      chmodSync(f, 0o644);
    }
    if (process.platform !== 'win32') symlinkSync(victim, join(dir, 'eval.results.jsonl'));
    const report = await batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'eval', since: 'today', out });
    expect(report).toMatchObject({ lines: 5, format: 'openai', uncaptured: 1, skipped: 0 });
    const text = formatFromLedger(report);
    expect(text).toContain('wrote 5 requests of feature eval');
    expect(text).toContain('1 call of that period had no captured body');
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; method: string; url: string; body: Record<string, unknown> });
    expect(lines.map((l) => l.custom_id)).toEqual(rows.map((r) => `call-${r.call_id}`));
    for (const l of lines) {
      expect(l.method).toBe('POST');
      expect(l.url).toBe('/v1/chat/completions');
      expect(l.body.model).toBe('gpt-4o-mini');
      expect(l.body.stream).toBeUndefined();
      expect(l.body.stream_options).toBeUndefined();
    }
    expect(lines[0]!.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Grade strictly.' }, { role: 'user', content: questions[0] }], max_tokens: 30, temperature: 0 });
    // A pipe the shell hands over (`--out >(gzip > eval.jsonl.gz)`, `--out /dev/stdout`) gets the
    // lines. Renamed over, the write failed (no file can be made in /dev/fd), and as root /dev/stdout became a file.
    if (process.platform !== 'win32') {
      const fifo = join(dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      await batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'eval', since: 'today', out: `/dev/fd/${reader}` });
      const got = Buffer.alloc(1 << 16);
      const n = readSync(reader, got);
      closeSync(reader);
      expect(got.subarray(0, n).toString()).toBe(readFileSync(out, 'utf8'));
      expect(statSync(fifo).isFIFO()).toBe(true);
      // A pipe made anywhere (`mkfifo ./out`) is written through too: it was replaced by a file.
      const reader2 = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      await batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'eval', since: 'today', out: fifo });
      const n2 = readSync(reader2, got);
      closeSync(reader2);
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(got.subarray(0, n2).toString()).toBe(readFileSync(out, 'utf8'));
      // `--out /dev/stdout > eval.jsonl`: the descriptor names a file the shell opened; written through, as no file can be made in /dev/fd.
      const redirected = join(dir, 'redirected.jsonl');
      const fd = openSync(redirected, 'w');
      await batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'eval', since: 'today', out: `/dev/fd/${fd}` });
      closeSync(fd);
      expect(readFileSync(redirected, 'utf8')).toBe(readFileSync(out, 'utf8'));
    }

    // The file goes through `tollgate batch submit` unchanged; the real-time answers were not stored, so all 5 reach the provider.
    const sentBefore = h.upstream.batch.submittedRequests();
    const run = await submitBatch({ file: out, proxy: h.proxy.url, apiKey: OPENAI_KEY, pollMs: 1, maxWaitMs: 60_000, out: quiet(), tags: { feature: 'eval' } });
    expect(run).toMatchObject({ status: 'completed', requests: 5, cached: 0, succeeded: 5, failed: 0 });
    expect(h.upstream.batch.submittedRequests() - sentBefore).toBe(5);
    const results = readFileSync(run.resultsFile!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string });
    expect(results.map((r) => r.custom_id).sort()).toEqual(lines.map((l) => l.custom_id).sort());
    expect(run.batchUsd).toBeCloseTo(run.realtimeUsd / 2, 12);
    // Captured prompts and their answers are the user's own, like the data directory (umask gave 0644).
    if (process.platform !== 'win32') for (const f of [out, run.resultsFile!]) expect(lstatSync(f).mode & 0o177).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('earlier text\n');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('anthropic calls become {custom_id, params} lines; a feature that went to both providers needs --provider', async () => {
    const claude = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: ANTHROPIC_KEY, maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'grade-essays', 'x-tollgate-cache': 'no-store' } });
    for (let i = 0; i < 3; i++) await claude.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 40, messages: [{ role: 'user', content: `grade essay ${i}` }] });
    const gpt = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: OPENAI_KEY, maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'grade-essays', 'x-tollgate-cache': 'no-store' } });
    await gpt.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'grade essay 9' }], max_tokens: 40 });

    const out = join(dir, 'essays.jsonl');
    await expect(batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'grade-essays', since: 'today', out })).rejects.toThrow(
      /went to anthropic \(3\) and openai \(1\); a batch goes to one provider: pick one with --provider/,
    );
    const report = await batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'grade-essays', since: 'today', provider: 'anthropic', out });
    expect(report).toMatchObject({ lines: 3, format: 'anthropic' });
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; params: { model: string; max_tokens: number } });
    for (const l of lines) {
      expect(l.custom_id).toMatch(/^call-\d+$/);
      expect(l.params).toMatchObject({ model: 'claude-3-5-haiku-latest', max_tokens: 40 });
    }
    const run = await submitBatch({ file: out, proxy: h.proxy.url, apiKey: ANTHROPIC_KEY, pollMs: 1, maxWaitMs: 60_000, out: quiet(), tags: { feature: 'grade-essays' } });
    expect(run).toMatchObject({ format: 'anthropic', status: 'ended', requests: 3, succeeded: 3, failed: 0 });
  });

  it('a feature tag matches whatever its case, as budgets and reports match it', async () => {
    // One feature, two spellings (two services, one SDK capitalising): a report shows one row of 3 calls.
    for (const tag of ['Grade-Reports', 'grade-reports', 'GRADE-REPORTS']) {
      const c = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: OPENAI_KEY, maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': tag, 'x-tollgate-cache': 'no-store' } });
      await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `report from ${tag}` }], max_tokens: 20 });
    }
    const out = join(dir, 'reports.jsonl');
    // The policy's `grade-*` kept the lower-case one alone, and --feature grade-reports found only it.
    const report = await batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'grade-reports', since: 'today', out });
    expect(report).toMatchObject({ lines: 3, uncaptured: 0 });
    const sent = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { body: { messages: Array<{ content: string }> } }).body.messages[0]!.content);
    expect(sent).toEqual(['report from Grade-Reports', 'report from grade-reports', 'report from GRADE-REPORTS']);
  });

  it('says how to turn capture on when a feature has no captured bodies', async () => {
    const plain = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: OPENAI_KEY, maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'summaries' } });
    await plain.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'summarise this' }] });
    await expect(batchFromLedger({ proxy: h.proxy.url, adminToken: h.proxy.adminToken, feature: 'summaries', since: 'today', out: join(dir, 'none.jsonl') })).rejects.toThrow(
      /^no captured bodies for feature summaries between \d{4}-\d\d-\d\d 00:00 and .*\(the ledger has 1 of its calls in that period, recorded without their bodies\); enable batch\.capture in \.tollgate\/policy\.yaml/,
    );
    // The API needs the admin token like the other batch reports.
    expect((await fetch(`${h.proxy.url}/tollgate/batch/export?feature=eval&since=0`)).status).toBe(401);
    await expect(batchFromLedger({ proxy: h.proxy.url, feature: 'eval', since: 'today', out: join(dir, 'x.jsonl') })).rejects.toThrow(/admin token/);
  });

  it('prunes kept bodies past retentionDays', () => {
    const store = captureStore(h.proxy.services.db);
    const before = store.count();
    expect(before).toBeGreaterThan(0);
    expect(store.prune(3, Date.now() + 2 * 86_400_000)).toBe(0);
    expect(store.prune(3, Date.now() + 4 * 86_400_000)).toBe(before);
    expect(store.count()).toBe(0);
  });
});

describe('--since / --until', () => {
  const now = new Date(2026, 10, 30, 9, 15).getTime();
  it('yesterday is the whole previous local day; a bare --until date includes that day', () => {
    expect(parsePeriod('yesterday', undefined, now)).toEqual({ since: new Date(2026, 10, 29).getTime(), until: new Date(2026, 10, 30).getTime() });
    expect(parsePeriod('today', undefined, now)).toEqual({ since: new Date(2026, 10, 30).getTime(), until: now + 1 });
    expect(parsePeriod('2026-11-01', '2026-11-07', now)).toEqual({ since: new Date(2026, 10, 1).getTime(), until: new Date(2026, 10, 8).getTime() });
    expect(parsePeriod('1764400000000', undefined, now).since).toBe(1764400000000);
    // `date +%s` gives seconds: read as milliseconds they were January 1970, and the file held every captured call.
    expect(parsePeriod('1764400000', '1764403600', now)).toEqual({ since: 1764400000000, until: 1764403600000 });
    expect(() => parsePeriod('last tuesday', undefined, now)).toThrow(/cannot read "last tuesday"/);
    expect(() => parsePeriod('today', 'yesterday', now)).toThrow(/--until must be after --since/);
  });
});
