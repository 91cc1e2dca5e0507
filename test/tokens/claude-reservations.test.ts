/**
 * Claude's input is estimated with o200k, which counts fewer tokens than Claude's own tokenizer
 * (about 1.3x on code before Opus 4.7, up to ~1.9x from 4.7 on). Reserved at the o200k count, a
 * Claude call fitted a tokens-per-minute limit or a budget that its billed usage overran.
 * Reservations count Claude's text up by tokens/models.ts reservationTokenFactor; the ledger still
 * records the usage the provider reports.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from '../../proxy/src/tokens/count';
import { reservationTokenFactor } from '../../proxy/src/tokens/models';
import { startHarness, type Harness } from '../support/harness';

const PARAGRAPH =
  'The quarterly review covers the migration of the billing service, the new retry policy for the payment gateway, ' +
  'and the incident on the 14th, when a misconfigured cache held stale exchange rates for forty minutes. ';
const PROMPT = PARAGRAPH.repeat(120);
const O200K = countTextTokens(PROMPT, 'gpt-4o').tokens;
// Room for the o200k count, chat overhead and the 100-token output limit, but not for 1.3 times the text.
const TPM = O200K + 400;
// Anthropic's token-counting example with a tool (403 input tokens billed): room for the tool's JSON,
// the question and a 100-token output limit (about 200 tokens), not for the tool-use system prompt.
const TOOL = { name: 'get_weather', description: 'Get the current weather in a given location', input_schema: { type: 'object' as const, properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' } }, required: ['location'] } };
const QUESTION = "What's the weather like in San Francisco?";
const TOOLS_TPM = 350;

describe('Claude reservation factor', () => {
  it('is 1 for OpenAI models; about 1.3 for Claude before Opus 4.7; more from 4.7 on, for aliases and in every spelling', () => {
    expect(reservationTokenFactor('gpt-4o')).toBe(1);
    expect(reservationTokenFactor('llama3.1:8b')).toBe(1);
    for (const m of ['claude-3-5-sonnet-20241022', 'claude-opus-4-20250514', 'claude-sonnet-4-5', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-opus-4-6', 'claude-2.1', 'claude-3-opus', 'claude-instant-1', 'anthropic.claude-v2', 'anthropic.claude-v2:1', 'us.anthropic.claude-instant-v1', 'claude-instant-v1'])
      expect(reservationTokenFactor(m), m).toBe(1.3);
    for (const m of ['claude-opus-4-7', 'claude-4.7-opus', 'claude-opus-4-8', 'claude-sonnet-5', 'anthropic/claude-fable-5', 'claude-opus-latest'])
      expect(reservationTokenFactor(m), m).toBeGreaterThanOrEqual(1.3 * 1.45);
  });
});

describe('tokens-per-minute reservations of Claude calls (real proxy)', () => {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness({
      rateLimits: [
        { name: 'claude-team', scope: { team: 'claude' }, tpm: TPM },
        { name: 'gpt-team', scope: { team: 'gpt' }, tpm: TPM },
        { name: 'claude-tools', scope: { team: 'claude-tools' }, tpm: TOOLS_TPM },
        { name: 'gpt-tools', scope: { team: 'gpt-tools' }, tpm: TOOLS_TPM },
      ],
    });
    // Reservations use the count once the encoder is built (before, the byte bound): build it first.
    await h.proxy.services.tokens.warm(['claude-sonnet-4-5', 'gpt-4o']);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status);

  it('a Claude prompt that fits the limit by its o200k count but not by Claude’s count is refused before the upstream; the same prompt to gpt-4o is not', async () => {
    const anthropic = new Anthropic({ baseURL: h!.anthropicBaseUrl, apiKey: 'sk-ant-test-factor', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': 'claude' } });
    const openai = new OpenAI({ baseURL: h!.openaiBaseUrl, apiKey: 'sk-test-factor', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': 'gpt' } });
    // A first small call in each window (the first call of a window is never refused by its size).
    expect(await status(anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).toBe(200);
    expect(await status(openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).toBe(200);

    const calls = h!.upstream.calls();
    const claude = await status(anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] }));
    expect(claude).toBe(429);
    expect(h!.upstream.calls()).toBe(calls);
    expect(await status(openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] }))).toBe(200);
  });

  it('a Claude call with tools is refused before the upstream when the tool-use system prompt does not fit; the same tool to gpt-4o is not', async () => {
    const anthropic = new Anthropic({ baseURL: h!.anthropicBaseUrl, apiKey: 'sk-ant-test-tools', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': 'claude-tools' } });
    const openai = new OpenAI({ baseURL: h!.openaiBaseUrl, apiKey: 'sk-test-tools', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': 'gpt-tools' } });
    expect(await status(anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).toBe(200);
    expect(await status(openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).toBe(200);
    const calls = h!.upstream.calls();
    expect(await status(anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, tools: [TOOL], messages: [{ role: 'user', content: QUESTION }] }))).toBe(429);
    expect(h!.upstream.calls()).toBe(calls);
    const fn = { type: 'function' as const, function: { name: TOOL.name, description: TOOL.description, parameters: TOOL.input_schema } };
    expect(await status(openai.chat.completions.create({ model: 'gpt-4o', max_tokens: 100, tools: [fn], messages: [{ role: 'user', content: QUESTION }] }))).toBe(200);
  });

  it('the ledger records the usage the provider reports, not the reservation', async () => {
    const anthropic = new Anthropic({ baseURL: h!.anthropicBaseUrl, apiKey: 'sk-ant-test-factor', maxRetries: 0 });
    const msg = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: PARAGRAPH }] });
    const row = h!.proxy.services.db.prepare('SELECT input_tokens FROM calls WHERE model_used = ? ORDER BY id DESC LIMIT 1').get('claude-sonnet-4-5') as { input_tokens: number };
    expect(row.input_tokens).toBe(msg.usage.input_tokens);
  });
});
