/**
 * Pre-call input estimates of request shapes real clients send that the other estimate tests do not:
 * the legacy `functions` of OpenAI chat (still sent by older SDK helpers and agents), a `name` on
 * every message (multi-agent frameworks), and the davinci-002 / babbage-002 base models, which
 * tiktoken maps to cl100k_base.
 */
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../proxy/src/pipeline/cost';
import type { Json } from '../../proxy/src/providers/types';
import { countChatTokens, countTextTokens } from '../../proxy/src/tokens/count';
import { getEncoder } from '../../proxy/src/tokens/encoding';
import { encodingForModel } from '../../proxy/src/tokens/models';

/** What the proxy counts for a request body (as pipeline/cost.ts countInputTokens does, in-process). */
function counted(body: Json): number {
  const { messages, texts, mediaTokens } = inputParts(body);
  const model = String(body.model);
  return (messages.length ? countChatTokens(messages, model).tokens : 0) + texts.reduce((n, t) => n + countTextTokens(t, model).tokens, 0) + mediaTokens;
}

const FUNCTIONS = [
  {
    name: 'get_current_weather',
    description: 'Get the current weather in a given location, with the forecast for the next five days and any severe weather alerts in effect',
    parameters: { type: 'object', properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] },
  },
];

describe('request shapes', () => {
  it('the legacy `functions` of a chat request are input, as `tools` are', () => {
    const messages = [{ role: 'user', content: 'What is the weather like in Boston?' }];
    const bare = counted({ model: 'gpt-3.5-turbo', messages });
    const withFunctions = counted({ model: 'gpt-3.5-turbo', messages, functions: FUNCTIONS, function_call: 'auto' });
    const withTools = counted({ model: 'gpt-3.5-turbo', messages, tools: FUNCTIONS.map((f) => ({ type: 'function', function: f })) });
    // At least their name and descriptions: OpenAI renders them as TypeScript, not as their JSON (tokens/toolDefinitions.ts).
    const f = FUNCTIONS[0]!;
    expect(withFunctions - bare).toBeGreaterThanOrEqual(countTextTokens(f.name + f.description + f.parameters.properties.location.description, 'gpt-3.5-turbo').tokens);
    expect(withTools).toBeGreaterThan(bare);
  });

  it('a structured-output schema is input, in each API that takes one', () => {
    const schema = { type: 'object', properties: { city: { type: 'string', description: 'The city the forecast is for, as the user named it' }, days: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, high: { type: 'number' }, low: { type: 'number' } }, required: ['date', 'high', 'low'] } } }, required: ['city', 'days'] };
    const own = countTextTokens(JSON.stringify(schema), 'gpt-4o').tokens;
    const messages = [{ role: 'user', content: 'Forecast for Lisbon' }];
    const bare = counted({ model: 'gpt-4o', messages });
    expect(counted({ model: 'gpt-4o', messages, response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema, strict: true } } }) - bare).toBeGreaterThanOrEqual(own);
    expect(counted({ model: 'gpt-4o', input: messages, text: { format: { type: 'json_schema', name: 'forecast', schema } } }) - counted({ model: 'gpt-4o', input: messages })).toBeGreaterThanOrEqual(own);
    expect(counted({ model: 'claude-sonnet-4-5', messages, output_format: { type: 'json_schema', schema } }) - counted({ model: 'claude-sonnet-4-5', messages })).toBeGreaterThan(0);
    // JSON mode without a schema adds nothing of its own.
    expect(counted({ model: 'gpt-4o', messages, response_format: { type: 'json_object' } })).toBe(bare);
  });

  it('a message `name` is counted with its overhead (OpenAI cookbook: +1 per name)', () => {
    const turns = ['planner', 'coder', 'critic'].map((name, i) => ({ role: i === 0 ? 'user' : 'assistant', name, content: `turn ${i}: let us review the plan` }));
    const unnamed = turns.map(({ name: _n, ...m }) => m);
    const names = turns.reduce((n, t) => n + countTextTokens(t.name, 'gpt-4o').tokens + 1, 0);
    expect(counted({ model: 'gpt-4o', messages: turns }) - counted({ model: 'gpt-4o', messages: unnamed })).toBe(names);
  });

  it.each(['davinci-002', 'babbage-002', 'ft:davinci-002:acme::8xYz1234'])('%s is counted with cl100k_base, exactly', (model) => {
    expect(encodingForModel(model)).toEqual({ encoding: 'cl100k_base', exact: true });
    const text = 'Unterschiedliche Tokenizer zählen diesen Satz über Straßenbahnhaltestellen verschieden: 東京都庁舎.';
    // The premise: the two encodings disagree on this text.
    expect(getEncoder('cl100k_base').encode(text).length).not.toBe(getEncoder('o200k_base').encode(text).length);
    expect(countTextTokens(text, model).tokens).toBe(getEncoder('cl100k_base').encode(text).length);
  });
});
