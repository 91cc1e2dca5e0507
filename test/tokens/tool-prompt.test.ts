/**
 * What tools add to a call's input, against counts the providers published from their real APIs.
 * OpenAI: the cookbook "How to count tokens with tiktoken" (github.com/openai/openai-cookbook,
 * examples/How_to_count_tokens_with_tiktoken.ipynb, section 7) sends one weather tool and two
 * messages and prints the API's `prompt_tokens`: 101 for gpt-4o and gpt-4o-mini, 105 for gpt-4 and
 * gpt-3.5-turbo. Anthropic: its token-counting docs ("Count tokens in messages with tools") count a
 * weather tool and one question at 403 input tokens, most of it the tool-use system prompt Anthropic
 * adds to every request with tools (tokens/toolPrompt.ts).
 */
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../proxy/src/pipeline/cost';
import type { Json } from '../../proxy/src/providers/types';
import { upperBoundTokens } from '../../proxy/src/tokens/bound';
import { countChatTokens, countTextTokens } from '../../proxy/src/tokens/count';
import { reservationTokenFactor } from '../../proxy/src/tokens/models';
import { claudeToolPromptTokens } from '../../proxy/src/tokens/toolPrompt';

/** The input counted for a body, as pipeline/cost.ts countInputTokens does (in-process). */
function counted(body: Json): number {
  const model = String(body.model);
  const { messages, texts, mediaTokens } = inputParts(body, model);
  return countChatTokens(messages, model).tokens + texts.reduce((n, t) => n + countTextTokens(t, model).tokens, 0) + mediaTokens;
}

/** A Claude call's reservation: its text counted up by the Claude factor, never past the byte bound, plus what its tools add. */
function claudeReservation(body: Json): number {
  const model = String(body.model);
  const { messages, texts } = inputParts(body, model);
  const text = Math.min(Math.ceil(counted(body) * reservationTokenFactor(model)), upperBoundTokens(model, messages, texts));
  return text + claudeToolPromptTokens(model, body.tools);
}

const COOKBOOK_TOOLS = [
  {
    type: 'function',
    function: {
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
    },
  },
];
const COOKBOOK_MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
  { role: 'user', content: "What's the weather like in San Francisco?" },
];

const ANTHROPIC_DOCS_BODY = {
  max_tokens: 1024,
  tools: [
    {
      name: 'get_weather',
      description: 'Get the current weather in a given location',
      input_schema: { type: 'object', properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' } }, required: ['location'] },
    },
  ],
  messages: [{ role: 'user', content: "What's the weather like in San Francisco?" }],
};

describe('tool definitions against the providers’ published counts', () => {
  it('an OpenAI chat request with tools is counted at no less than the API billed, and within a fifth of it', () => {
    for (const [model, billed] of [['gpt-4o', 101], ['gpt-4o-mini', 101], ['gpt-4', 105], ['gpt-3.5-turbo', 105]] as const) {
      const n = counted({ model, messages: COOKBOOK_MESSAGES, tools: COOKBOOK_TOOLS });
      expect(n, model).toBeGreaterThanOrEqual(billed);
      expect(n, model).toBeLessThanOrEqual(billed * 1.2);
    }
  });

  it('a Claude request with tools is reserved at no less than Anthropic bills, the tool-use system prompt included', () => {
    for (const model of ['claude-opus-4-20250514', 'claude-sonnet-4-5', 'us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-opus-4-7']) {
      const reserved = claudeReservation({ ...ANTHROPIC_DOCS_BODY, model });
      expect(reserved, model).toBeGreaterThanOrEqual(403);
      // The safe side, not a multiple of the bill (1.9x the text from Opus 4.7 on).
      expect(reserved, model).toBeLessThanOrEqual(403 * 1.6);
    }
  });

  it('Anthropic’s own tools add their published definitions: bash 245, text editor 700, computer use 735 and its system prompt', () => {
    const base = claudeToolPromptTokens('claude-sonnet-4-5', [{ name: 'x', input_schema: { type: 'object' } }]);
    expect(claudeToolPromptTokens('claude-sonnet-4-5', [{ type: 'bash_20250124', name: 'bash' }]) - base).toBeGreaterThanOrEqual(245);
    expect(claudeToolPromptTokens('claude-sonnet-4-5', [{ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }]) - base).toBeGreaterThanOrEqual(700);
    expect(claudeToolPromptTokens('claude-sonnet-4-5', [{ type: 'computer_20250124', name: 'computer', display_width_px: 1024, display_height_px: 768 }]) - base).toBeGreaterThanOrEqual(735 + 466);
    // Opus 4.7's tokenizer: Anthropic lists the bash tool at 325 tokens there (244 before).
    expect(claudeToolPromptTokens('claude-opus-4-7', [{ type: 'bash_20250124', name: 'bash' }]) - claudeToolPromptTokens('claude-opus-4-7', [{ name: 'x' }])).toBeGreaterThanOrEqual(325);
  });

  it('adds nothing without tools, nor for a model that is not Claude', () => {
    expect(claudeToolPromptTokens('claude-sonnet-4-5', undefined)).toBe(0);
    expect(claudeToolPromptTokens('claude-sonnet-4-5', [])).toBe(0);
    expect(claudeToolPromptTokens('gpt-4o', COOKBOOK_TOOLS)).toBe(0);
  });
});
