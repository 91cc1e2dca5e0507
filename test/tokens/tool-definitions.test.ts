/**
 * OpenAI tool definitions counted as the model reads them (tokens/toolDefinitions.ts), against
 * prompt_tokens the OpenAI API reported for published requests:
 * - the cookbook "How to count tokens with tiktoken" (github.com/openai/openai-cookbook,
 *   examples/How_to_count_tokens_with_tiktoken.ipynb, section 7): one weather tool and a system and
 *   a user message, 101 for gpt-4o and gpt-4o-mini, 105 for gpt-4 and gpt-3.5-turbo;
 * - github.com/hmarr/openai-chat-tokens, tests/token-counts.test.ts: gpt-3.5-turbo requests with
 *   legacy `functions` and the prompt_tokens the API answered (its `get_recipe` case is re-asked of
 *   the API in that project's CI).
 * The count must never be below the API's (a reservation must not under-reserve) and stay close.
 */
import { describe, expect, it } from 'vitest';
import { countChatTokens, countTextTokens, type ChatMessageLike } from '../../proxy/src/tokens/count';
import { toolDefinitionInput } from '../../proxy/src/tokens/toolDefinitions';

/** Messages and tool definitions of a request, as the proxy counts them. */
function counted(model: string, body: { messages: ChatMessageLike[]; tools?: unknown[]; functions?: unknown[]; tool_choice?: unknown; function_call?: unknown }): number {
  const tools = toolDefinitionInput(model, body);
  return countChatTokens(body.messages, model).tokens + tools.texts.reduce((n, t) => n + countTextTokens(t, model).tokens, 0) + tools.tokens;
}

const WEATHER = {
  name: 'get_current_weather',
  description: 'Get the current weather in a given location',
  parameters: {
    type: 'object',
    properties: {
      location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
      unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['location'],
  },
};
const WEATHER_MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
  { role: 'user', content: "What's the weather like in San Francisco?" },
];

const HELLO = [{ role: 'user', content: 'hello' }];
const EMPTY = { type: 'object', properties: {} };
const DO_STUFF = { name: 'do_stuff', parameters: EMPTY };
const RECIPE = {
  name: 'get_recipe',
  parameters: {
    type: 'object',
    required: ['ingredients', 'instructions', 'time_to_cook'],
    properties: {
      ingredients: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'unit', 'amount'],
          properties: { name: { type: 'string' }, unit: { enum: ['grams', 'ml', 'cups', 'pieces', 'teaspoons'], type: 'string' }, amount: { type: 'number' } },
        },
      },
      instructions: { type: 'array', items: { type: 'string' }, description: 'Steps to prepare the recipe (no numbering)' },
      time_to_cook: { type: 'number', description: 'Total time to prepare the recipe in minutes' },
    },
  },
};
/** [messages, functions, prompt_tokens the API reported] for gpt-3.5-turbo (openai-chat-tokens' test data). */
const API_COUNTS: [ChatMessageLike[], unknown[], number][] = [
  [HELLO, [{ name: 'foo', parameters: EMPTY }], 31],
  [HELLO, [{ name: 'foo', description: 'Do a foo', parameters: EMPTY }], 36],
  [HELLO, [{ name: 'bing_bong', description: 'Do a bing bong', parameters: { type: 'object', properties: { foo: { type: 'string' } } } }], 49],
  [HELLO, [{ name: 'bing_bong', description: 'Do a bing bong', parameters: { type: 'object', properties: { foo: { type: 'string' }, bar: { type: 'number', description: 'A number' } } } }], 57],
  [
    HELLO,
    [{ name: 'bing_bong', description: 'Do a bing bong', parameters: { type: 'object', properties: { foo: { type: 'object', properties: { bar: { type: 'string', enum: ['a', 'b', 'c'] }, baz: { type: 'boolean' } } } } } }],
    68,
  ],
  [[{ role: 'system', content: 'Hello' }, { role: 'user', content: 'Hi there' }], [DO_STUFF], 35],
  [[{ role: 'system', content: 'Hello:' }, { role: 'user', content: 'Hi there' }], [DO_STUFF], 35],
  [[{ role: 'system', content: 'Hello:' }, { role: 'system', content: 'Hello' }, { role: 'user', content: 'Hi there' }], [DO_STUFF], 40],
  [HELLO, [RECIPE], 106],
];

describe('OpenAI tool definitions against the prompt_tokens the API reported', () => {
  it('the cookbook’s weather tool: never below the API, at most 2 tokens over, in chat’s and the Responses API’s tool shapes', () => {
    for (const [model, billed] of [['gpt-4o', 101], ['gpt-4o-mini', 101], ['gpt-4', 105], ['gpt-3.5-turbo', 105]] as const) {
      for (const tools of [[{ type: 'function', function: WEATHER }], [{ type: 'function', ...WEATHER }]]) {
        const n = counted(model, { messages: WEATHER_MESSAGES, tools });
        expect(n, model).toBeGreaterThanOrEqual(billed);
        expect(n, model).toBeLessThanOrEqual(billed + 2);
      }
    }
  });

  it('gpt-3.5-turbo functions and tools with and without a system message, nested objects, arrays and enums: never below the API, at most 2 over', () => {
    for (const [messages, functions, billed] of API_COUNTS) {
      const label = JSON.stringify(functions).slice(0, 60);
      for (const body of [{ messages, functions }, { messages, tools: functions.map((f) => ({ type: 'function', function: f })) }]) {
        const n = counted('gpt-3.5-turbo', body);
        expect(n, label).toBeGreaterThanOrEqual(billed);
        expect(n, label).toBeLessThanOrEqual(billed + 2);
      }
    }
  });

  it('a tool choice: a forced function (chat’s, the Responses API’s and legacy shapes) and "none" as the API bills them, "auto" as nothing', () => {
    const FOO = { name: 'foo', parameters: EMPTY };
    const TWO = [DO_STUFF, { name: 'do_other_stuff', parameters: EMPTY }];
    const SYSTEMS = [{ role: 'system', content: 'Hello:' }, { role: 'system', content: 'Hello' }, { role: 'user', content: 'Hi there' }];
    // [messages, functions, the choice by name ('none', 'auto' or a function's), prompt_tokens the API reported]
    const cases: [ChatMessageLike[], unknown[], string, number][] = [
      [HELLO, [FOO], 'auto', 31],
      [HELLO, [FOO], 'none', 32],
      [HELLO, [FOO], 'foo', 36],
      [SYSTEMS, TWO, 'auto', 49],
      [SYSTEMS, TWO, 'do_stuff', 55],
    ];
    for (const [messages, functions, name, billed] of cases) {
      const forced = name !== 'auto' && name !== 'none';
      const bodies = [
        { messages, functions, function_call: forced ? { name } : name },
        { messages, tools: functions.map((f) => ({ type: 'function', function: f })), tool_choice: forced ? { type: 'function', function: { name } } : name },
        { messages, tools: functions.map((f) => ({ type: 'function', ...(f as object) })), tool_choice: forced ? { type: 'function', name } : name },
      ];
      for (const body of bodies) {
        const n = counted('gpt-3.5-turbo', body);
        expect(n, `${name} ${JSON.stringify(body.tool_choice ?? body.function_call)}`).toBeGreaterThanOrEqual(billed);
        expect(n, name).toBeLessThanOrEqual(billed + 2);
      }
    }
  });

  it('schema keywords the rendering does not write are counted as their JSON, not dropped', () => {
    const defs = { Address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' }, postcode: { type: 'string', pattern: '^[0-9]{5}$' } } } };
    const tool = { type: 'function', function: { name: 'ship', parameters: { type: 'object', $defs: defs, properties: { to: { $ref: '#/$defs/Address' } }, required: ['to'] } } };
    const plain = { type: 'function', function: { name: 'ship', parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'] } } };
    const extra = counted('gpt-4o', { messages: HELLO, tools: [tool] }) - counted('gpt-4o', { messages: HELLO, tools: [plain] });
    expect(extra).toBeGreaterThanOrEqual(countTextTokens(JSON.stringify(defs), 'gpt-4o').tokens);
  });

  it('hosted tools, and every tool of a model that is not OpenAI’s, are counted as their JSON', () => {
    const hosted = [{ type: 'web_search' }, { type: 'file_search', vector_store_ids: ['vs_1'] }];
    expect(toolDefinitionInput('gpt-4.1', { tools: hosted })).toEqual({ texts: [JSON.stringify(hosted)], tokens: 0 });
    const tools = [{ type: 'function', function: WEATHER }];
    expect(toolDefinitionInput('claude-sonnet-4-5', { tools })).toEqual({ texts: [JSON.stringify(tools)], tokens: 0 });
    expect(toolDefinitionInput('gpt-4o', { messages: HELLO })).toEqual({ texts: [], tokens: 0 });
  });
});
