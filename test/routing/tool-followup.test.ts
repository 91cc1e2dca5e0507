/**
 * A tool-call follow-up is routed on the user's ask, on every protocol. OpenAI chat sends the tool
 * output as a `tool` turn; Anthropic sends it as a user turn of `tool_result` blocks and the
 * Responses API as a `function_call_output` item — user turns without text, which the router took
 * for an empty ask and sent to the small tier in the middle of a hard task.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../proxy/src/providers/types';
import { routeBody as route, routingProxy } from './support/routeSetup';

const HARD =
  'Design a multi-region event store for a payments ledger. It must guarantee exactly-once processing, survive the loss of a region ' +
  'without losing acknowledged writes, and keep p99 write latency under 50 ms. Compare consensus-based replication with ' +
  'asynchronous replication plus reconciliation, analyze the failure modes of each, and justify your choice step by step.';

const openaiChat: Json = {
  messages: [
    { role: 'user', content: HARD },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'three papers found' },
  ],
};
const anthropicMessages: Json = {
  messages: [
    { role: 'user', content: HARD },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'search', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'three papers found' }] },
  ],
};
const responsesInput: Json = {
  input: [
    { role: 'user', content: HARD },
    { type: 'function_call', call_id: 'c1', name: 'search', arguments: '{}' },
    { type: 'function_call_output', call_id: 'c1', output: 'three papers found' },
  ],
};

describe('routing a tool-call follow-up', () => {
  for (const router of ['learned', 'score'] as const) {
    it(`${router}: the Anthropic and Responses follow-ups route like the OpenAI chat one, on the user's ask`, () => {
      const ask = route(router, 'openai', { messages: [{ role: 'user', content: HARD }] });
      const chat = route(router, 'openai', openaiChat);
      const anthropic = route(router, 'anthropic', anthropicMessages);
      const responses = route(router, 'openai', responsesInput);
      expect(ask.tier).toBe('large');
      expect(chat.tier).toBe(ask.tier);
      expect(anthropic.tier).toBe(ask.tier);
      expect(responses.tier).toBe(ask.tier);
      expect(anthropic.score).toBe(chat.score);
      expect(responses.score).toBe(chat.score);
    });
  }

  describe('through the proxy with the real SDKs', () => {
    const proxy = routingProxy('score');

    it('Anthropic tool_result follow-up keeps the large tier of the task', async () => {
      const h = proxy();
      const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
      const { data, response } = await client.messages
        .create({ model: 'auto', max_tokens: 100, messages: anthropicMessages.messages as Anthropic.MessageParam[] })
        .withResponse();
      expect(response.headers.get('x-tollgate-route')).toMatch(/^large; /);
      expect(data.model).toBe('claude-opus-4-1');
    });

    it('Responses function_call_output follow-up keeps the large tier of the task', async () => {
      const h = proxy();
      const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      const { response } = await client.responses.create({ model: 'auto', input: responsesInput.input as OpenAI.Responses.ResponseInput }).withResponse();
      expect(response.headers.get('x-tollgate-route')).toMatch(/^large; /);
    });
  });
});
