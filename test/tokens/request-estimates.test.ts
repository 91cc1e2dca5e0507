/**
 * Pre-call input estimates (budget and rate-limit reservations) for requests with images, files,
 * tool calls and tool results: a part is counted as the model reads it, never as its base64 bytes
 * and never as nothing.
 */
import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../proxy/src/pipeline/cost';
import type { Json } from '../../proxy/src/providers/types';
import { upperBoundTokens } from '../../proxy/src/tokens/bound';
import { countChatTokens, countTextTokens } from '../../proxy/src/tokens/count';
import { startHarness } from '../support/harness';

// A 300 KB photo, as SDKs send one: base64 in a data URL (OpenAI) or a base64 source (Anthropic).
const B64 = randomBytes(300_000).toString('base64');
const DATA_URL = `data:image/jpeg;base64,${B64}`;
const LONG_RESULT = 'file '.repeat(20_000);

/** What the proxy counts for a request body (as pipeline/cost.ts countInputTokens does, in-process). */
function counted(body: Json): number {
  const { messages, texts, mediaTokens } = inputParts(body);
  const model = String(body.model);
  return (messages.length ? countChatTokens(messages, model).tokens : 0) + texts.reduce((n, t) => n + countTextTokens(t, model).tokens, 0) + (mediaTokens ?? 0);
}

function bound(body: Json): number {
  const { messages, texts, mediaTokens } = inputParts(body);
  return upperBoundTokens(String(body.model), messages, texts) + (mediaTokens ?? 0);
}

describe('input estimates of content parts', () => {
  const question = 'What is in this image?';
  const bodies: Record<string, Json> = {
    chat: { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: question }, { type: 'image_url', image_url: { url: DATA_URL, detail: 'high' } }] }] },
    responses: { model: 'gpt-4o', input: [{ role: 'user', content: [{ type: 'input_text', text: question }, { type: 'input_image', image_url: DATA_URL }] }] },
    anthropic: { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: B64 } }, { type: 'text', text: question }] }] },
  };

  it.each(Object.keys(bodies))('an image in a %s request counts as an image (hundreds to a few thousand tokens), not 0 and not its bytes', (name) => {
    const body = bodies[name]!;
    for (const n of [counted(body), bound(body)]) {
      expect(n).toBeGreaterThanOrEqual(765); // a high-detail 1024×1024 gpt-4o image
      expect(n).toBeLessThan(5_000);
    }
  });

  it('an Anthropic tool_result and tool_use input, and OpenAI tool_calls, are counted', () => {
    const resultTokens = countTextTokens(LONG_RESULT, 'gpt-4o').tokens;
    const anthropic = {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'user', content: 'list the files' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ls', input: { path: '/srv', pattern: 'x'.repeat(4_000) } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: LONG_RESULT }] }] },
      ],
    };
    expect(counted(anthropic)).toBeGreaterThan(resultTokens + 400);
    const args = JSON.stringify({ path: '/srv', pattern: 'y z '.repeat(2_000) });
    const openai = {
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'list the files' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ls', arguments: args } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
      ],
    };
    expect(counted(openai)).toBeGreaterThan(countTextTokens(args, 'gpt-4o').tokens);
  });
});

describe('rate-limit reservations with content parts (real proxy)', () => {
  it('a Responses call with a photo fits a tokens-per-minute limit its real size fits; a long tool result does not', async () => {
    const h = await startHarness({ rateLimits: [{ name: 'tpm', tpm: 15_000 }] });
    try {
      const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status);
      const openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-estimates', maxRetries: 0 });
      // ~1.6k input tokens and 100 output; the photo's 400 KB of base64 read as text was 270k+ tokens.
      const input = [{ role: 'user' as const, content: [{ type: 'input_text' as const, text: 'What is in this image?' }, { type: 'input_image' as const, image_url: DATA_URL, detail: 'auto' as const }] }];
      expect(await status(openai.responses.create({ model: 'gpt-4o', max_output_tokens: 100, input }))).toBe(200);
      // 20k tokens of tool output are more than the minute's 15k: refused before the upstream is called.
      const anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-test-estimates', maxRetries: 0 });
      const calls = h.upstream.calls();
      const refused = await status(
        anthropic.messages.create({
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          messages: [
            { role: 'user', content: 'list the files' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ls', input: { path: '/srv' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: LONG_RESULT }] },
          ],
        }),
      );
      expect(refused).toBe(429);
      expect(h.upstream.calls()).toBe(calls);
    } finally {
      await h.close();
    }
  });
});
