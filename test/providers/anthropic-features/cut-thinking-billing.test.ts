/**
 * Thinking is billed as output. A stream cut while the model thinks (an overloaded error event, a
 * client that hangs up) never gets message_delta's output count, so the ledger estimates the output
 * from what arrived: the thinking must be part of that estimate, or a cut 3,000-token thought is
 * billed as the single output token message_start reported.
 */
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { type Json, proxyOverUpstream } from './anthropicUpstream';

const MODEL = 'claude-sonnet-4-5-20250929';
// About 3,000 tokens of thinking (one word and a space per token).
const THOUGHT = Array.from({ length: 3_000 }, (_, i) => ['first', 'check', 'the', 'sum', 'again'][i % 5]).join(' ');
const answer: Json = {
  id: 'msg_01Think',
  type: 'message',
  role: 'assistant',
  content: [
    { type: 'thinking', thinking: THOUGHT, signature: 'EqQBCkgIARABGAIiQL' },
    { type: 'text', text: 'The sum is 45.' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 800, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3_020, service_tier: 'standard' },
};

// Cut inside the thinking block, after all of its deltas: no text block, no message_delta.
const t = proxyOverUpstream({ think: { message: answer, streamError: { type: 'overloaded_error', message: 'Overloaded' } } }, 'sk-ant-think');

const rowCount = (): number => (t.h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;

describe('a stream cut while the model thinks', () => {
  it('bills the thinking that arrived as output (estimated)', async () => {
    const before = rowCount();
    const err = await t.client.messages
      .stream({ model: MODEL, max_tokens: 8_000, thinking: { type: 'enabled', budget_tokens: 5_000 }, messages: [{ role: 'user', content: `think ${process.pid}` }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    // The row lands once the output is counted (the client has gone by then).
    for (let i = 0; i < 900 && rowCount() === before; i++) await new Promise((r) => setTimeout(r, 50));
    const row = t.h.proxy.services.db.prepare('SELECT status, error_type, input_tokens, output_tokens, tokens_estimated, cost_usd FROM calls ORDER BY id DESC LIMIT 1').get() as Json;
    expect(row).toMatchObject({ status: 502, error_type: 'overloaded_error', input_tokens: 800, tokens_estimated: 1 });
    expect(row.output_tokens).toBeGreaterThan(2_500);
    expect(row.output_tokens).toBeLessThan(3_500);
    const usd = calcPrice({ input_tokens: 800, output_tokens: row.output_tokens as number }, MODEL, { providerId: 'anthropic' })!.total_price;
    expect(row.cost_usd).toBeCloseTo(usd, 10);
  });
});
