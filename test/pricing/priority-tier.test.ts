/**
 * Priority processing (OpenAI `service_tier: "priority"`, Anthropic's Priority Tier) bills above
 * standard rates, and genai-prices has no rates for it: such calls are recorded at standard rates,
 * and the proxy's log says once that their $ is below the bill instead of passing it off silently.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy } from '../../proxy/src/server/start';

const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

/** One server for both APIs: a chat completion (top-level `service_tier`) and a message (`usage.service_tier`). */
function upstream(tier: () => string) {
  return createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string };
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.endsWith('/messages'))
        res.end(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content: [{ type: 'text', text: 'Hi.' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 12, output_tokens: 5, service_tier: tier() } }));
      else
        res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1_764_633_600, model: body.model, service_tier: tier(), choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop' }], usage }));
    });
  });
}

describe('priority-tier calls', () => {
  it('are priced at standard rates and the log says once that the $ is below the bill', async () => {
    let tier = 'default';
    const server = upstream(() => tier);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-priority-'));
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
    const policy = PolicySchema.parse({ retries: { attempts: 0 }, providers: { openai: { baseUrl: `${base}/v1` }, anthropic: { baseUrl: base } } });
    const proxy = await startProxy({ port: 0, dataDir, policy, env: {}, log });
    try {
      const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-test-priority', maxRetries: 0 });
      const ask = () => openai.chat.completions.create({ model: 'gpt-4o', service_tier: 'priority', messages: [{ role: 'user', content: 'hello' }] });
      await ask();
      expect(warnings.filter((w) => w.includes('priority'))).toEqual([]); // served at default: priced right
      tier = 'priority';
      await ask();
      await ask();
      const anthropic = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-ant-test-priority', maxRetries: 0 });
      await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] });
      const said = warnings.filter((w) => w.includes('priority'));
      expect(said).toHaveLength(1);
      expect(said[0]).toContain('standard rates');
      const rows = proxy.services.db.prepare('SELECT cost_usd, priced FROM calls ORDER BY id').all() as { cost_usd: number; priced: number }[];
      expect(rows).toHaveLength(4);
      for (const r of rows) expect(r).toMatchObject({ priced: 1 });
    } finally {
      await proxy.close();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
