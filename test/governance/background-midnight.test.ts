/**
 * The real proxy (in this process, so vitest's fake Date is its clock) behind the openai SDK, polling
 * a background response whose answer comes after UTC midnight: the bill goes to the budget day the
 * poll began in, as its ledger row does (governanceStages passes the call's time to the charge).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, expect, it, vi } from 'vitest';
import { periodBounds } from '../../proxy/src/governance/periods';
import { startHarness, type Harness } from '../support/harness';

const ID = 'resp_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const done = {
  id: ID,
  object: 'response',
  created_at: 1_764_600_000,
  model: 'o3-deep-research-2025-06-26',
  background: true,
  status: 'completed',
  output: [{ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [], logprobs: [] }] }],
  usage: { input_tokens: 20_000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 8_000, output_tokens_details: { reasoning_tokens: 6_000 }, total_tokens: 28_000 },
};

let h: Harness | undefined;
let upstream: Server | undefined;
afterEach(async () => {
  await h?.close();
  await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
  h = upstream = undefined;
  vi.useRealTimers();
});

it('a background response polled a second before UTC midnight and answered after it is charged to the day the poll began', async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  const midnight = Date.UTC(2026, 11, 5);
  vi.setSystemTime(midnight - 1000);
  // OpenAI's retrieve route; the answer takes the clock past midnight.
  upstream = createServer((req, res) => {
    req.resume().on('end', () => {
      vi.setSystemTime(midnight + 1000);
      res.writeHead(req.url === `/v1/responses/${ID}` ? 200 : 404, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
      res.end(JSON.stringify(req.url === `/v1/responses/${ID}` ? done : { error: { message: 'no such route', type: 'invalid_request_error', param: null, code: null } }));
    });
  });
  await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  h = await startHarness({ retries: { attempts: 0 }, budgets: [{ name: 'research-day', period: 'day', usd: 100, scope: { team: 'research' } }] }, { openai: { baseUrl } });
  const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-proj-background-midnight', maxRetries: 0 });

  vi.setSystemTime(midnight - 1000);
  await client.responses.retrieve(ID, {}, { headers: { 'x-tollgate-team': 'research' } });
  expect(Date.now()).toBeGreaterThan(midnight);

  const db = h.proxy.services.db;
  const row = db.prepare('SELECT ts, cost_usd FROM calls').get() as { ts: number; cost_usd: number };
  expect(row.ts).toBeLessThan(midnight);
  expect(row.cost_usd).toBeGreaterThan(0.1);
  const spent = (start: number) => (db.prepare("SELECT spent_nano FROM governance_spend WHERE budget = 'research-day' AND period_start = ?").pluck().get(start) as number | undefined) ?? 0;
  expect(spent(periodBounds('day', midnight - 1000).start) / 1e9).toBeCloseTo(row.cost_usd, 6);
  expect(spent(midnight)).toBe(0);
});
