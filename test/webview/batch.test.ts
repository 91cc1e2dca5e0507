/**
 * The dashboard's batch section in a real browser (headless chromium, the panel's own HTML and
 * host), fed by a real proxy: real `openai` SDK calls and a real batch through the proxy write
 * SQLite ledger rows, and the figures in the section are checked against sums over those rows
 * (read back through GET /tollgate/calls), not against numbers written into the test.
 */
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitBatch } from '../../proxy/src/batch/client';
import { formatUsd } from '../../webview/src/format';
import type { CallRecord } from '../../webview/src/protocol';
import { OwnStreamSource, useProxy } from './support/proxySuite';
import { lightTheme } from './support/themes';
import { chromiumAvailable, screenshotPath, useBrowser } from './support/webviewPage';

describe.skipIf(!chromiumAvailable)('dashboard batch section against a real proxy', () => {
  const proxy = useProxy();
  const ui = useBrowser();
  let dir: string;
  let batchId = '';

  beforeAll(async () => {
    const { harness } = proxy;
    harness.upstream.batch.autoComplete = true;
    dir = mkdtempSync(join(tmpdir(), 'tollgate-batch-dashboard-'));

    // An eval run from CI (o4-mini has a flex tier), and a streamed chat feature people watch.
    const ci = new OpenAI({ baseURL: harness.openaiBaseUrl, apiKey: 'sk-test-batch-dash', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'eval-nightly', 'x-tollgate-user': 'ci' } });
    for (let i = 0; i < 5; i++) await ci.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: `grade answer ${i} [[fake:words=${40 + i * 10}]]` }], max_tokens: 200 });
    const chat = new OpenAI({ baseURL: harness.openaiBaseUrl, apiKey: 'sk-test-batch-dash', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'chat', 'x-tollgate-user': 'ana' } });
    for (let i = 0; i < 3; i++) {
      const stream = await chat.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: `reply to message ${i} [[fake:words=60]]` }] });
      for await (const _chunk of stream) void _chunk;
    }
    // A batch through the proxy (tollgate batch submit's runner): its results become ledger rows at the batch rate.
    const file = join(dir, 'grading.jsonl');
    const lines = [0, 1, 2].map((i) => ({ custom_id: `g-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `batch grade ${i} [[fake:words=30]]` }], max_tokens: 100 } }));
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const quiet = new Writable({ write: (_c, _e, cb) => cb() });
    const report = await submitBatch({ file, proxy: harness.proxy.url, apiKey: 'sk-test-batch-dash', pollMs: 1, maxWaitMs: 60_000, out: quiet, tags: { feature: 'eval-nightly' } });
    expect(report.status).toBe('completed');
    batchId = report.batchId;
  });

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function tableRows(page: Page, table: string): Promise<Array<Record<string, string>>> {
    return page.$$eval(`.batch table[data-table="${table}"] tbody tr`, (rows) =>
      rows.map((r) => Object.fromEntries(Array.from(r.querySelectorAll('td'), (td) => [(td as HTMLElement).dataset.col!, td.textContent ?? '']))),
    );
  }

  it('shows per feature what batch and flex would have cost, and why a feature can wait', async () => {
    const calls: CallRecord[] = (await proxy.source.listCalls({ limit: 1000 })).calls;
    // The real-time calls that could have waited: misses that succeeded, not batch results.
    const realtime = (feature: string) => calls.filter((c) => c.tags.feature === feature && c.cache === 'miss' && c.status === 200 && !c.endpoint.startsWith('batch:'));
    const evalCalls = realtime('eval-nightly');
    const chatCalls = realtime('chat');
    expect(evalCalls).toHaveLength(5);
    expect(chatCalls).toHaveLength(3);
    const sum = (cs: CallRecord[]) => cs.reduce((n, c) => n + c.costUsd, 0);
    expect(sum(evalCalls)).toBeGreaterThan(0);

    const d = await ui.open({ source: proxy.source, theme: lightTheme, viewport: { width: 1400, height: 1600 } });
    try {
      await d.page.locator('.batch[data-loaded="true"]').waitFor({ timeout: 20_000 });
      const rows = await tableRows(d.page, 'opportunities');
      expect(rows.map((r) => r.feature).sort()).toEqual(['chat', 'eval-nightly']);
      const evalRow = rows.find((r) => r.feature === 'eval-nightly')!;
      // OpenAI's batch rate and o4-mini's flex rate are half the standard price.
      expect(evalRow.calls).toBe('5');
      expect(evalRow.cost).toBe(formatUsd(sum(evalCalls)));
      expect(evalRow.batch).toBe(formatUsd(sum(evalCalls) / 2));
      expect(evalRow.batchSaving).toBe(formatUsd(sum(evalCalls) - sum(evalCalls) / 2));
      expect(evalRow.flex).toBe(formatUsd(sum(evalCalls) / 2));
      expect(evalRow.tolerant).toMatch(/^yes: named like offline work; called by automation \(user=ci\)/);

      const chatRow = rows.find((r) => r.feature === 'chat')!;
      expect(chatRow.cost).toBe(formatUsd(sum(chatCalls)));
      expect(chatRow.batch).toBe(formatUsd(sum(chatCalls) / 2));
      // gpt-4o has no flex tier: flex costs the standard price.
      expect(chatRow.flex).toBe(formatUsd(sum(chatCalls)));
      expect(chatRow.flexSaving).toBe('–');
      expect(chatRow.tolerant).not.toContain('named like offline work');
      expect(chatRow.tolerant).not.toContain('automation');

      // The same figures the API gives the CLI.
      const api = await proxy.source.batchOpportunities(Date.now() - 86_400_000);
      const apiChat = api.features.find((f) => f.feature === 'chat')!;
      expect(chatRow.tolerant).toBe(apiChat.latencyTolerant ? `yes: ${apiChat.reasons.join('; ')}` : 'no');
      // The headline sums the features judged latency-tolerant. Which those are can depend on the
      // hour the test runs (calls made at night count as a reason), so take the set from the API
      // and the figures from the ledger rows.
      const tolerant = api.features.filter((f) => f.latencyTolerant).map((f) => f.feature);
      expect(tolerant).toContain('eval-nightly');
      const headline = (await d.page.textContent('.batch-headline')) ?? '';
      expect(headline).toContain(`${tolerant.length} latency-tolerant feature`);
      expect(headline).toContain(formatUsd(tolerant.reduce((n, f) => n + sum(realtime(f)), 0)));
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('lists the batches the proxy relayed with their counts and cost at the batch price', async () => {
    const calls: CallRecord[] = (await proxy.source.listCalls({ limit: 1000 })).calls;
    const results = calls.filter((c) => c.route === `batch ${batchId}`);
    expect(results).toHaveLength(3);
    const cost = results.reduce((n, c) => n + c.costUsd, 0);
    expect(cost).toBeGreaterThan(0);
    const d = await ui.open({ source: proxy.source, theme: lightTheme, viewport: { width: 1400, height: 1600 } });
    try {
      await d.page.locator('.batch[data-loaded="true"]').waitFor({ timeout: 20_000 });
      const rows = await tableRows(d.page, 'batches');
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.id).toBe(batchId);
      expect(row.provider).toBe('openai');
      expect(row.status).toBe('completed');
      expect(row.feature).toBe('eval-nightly');
      expect(row.requests).toBe('3');
      expect(row.cached).toBe('0');
      expect(row.results).toBe('3');
      expect(row.cost).toBe(formatUsd(cost));
      // Real-time price is twice the batch price for OpenAI.
      expect(row.realtime).toBe(formatUsd(cost * 2));
      expect(row.saved).toBe(formatUsd(cost * 2 - cost));
      await d.page.locator('.batch').screenshot({ path: screenshotPath('dashboard-batch.png') });
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('says so in the section when the proxy refuses the batch figures', async () => {
    const noAdmin = new OwnStreamSource(proxy.harness.proxy.url);
    const d = await ui.open({ source: noAdmin, theme: lightTheme });
    try {
      await d.page.locator('.batch[data-loaded="true"]').waitFor({ state: 'attached', timeout: 20_000 });
      expect(await d.page.textContent('.batch-headline')).toMatch(/Could not load the batch figures: .*401/);
      expect(await d.page.textContent('.batch-list')).toMatch(/Could not load the batches: .*401/);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
      noAdmin.dispose();
    }
  });
});
