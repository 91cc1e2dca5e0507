/**
 * A Claude tool loop with extended thinking sends the assistant's thinking back: a `thinking` block
 * with its `signature` (from Claude 4 on, the full thinking sealed, where `thinking` is a summary)
 * and `redacted_thinking` blocks whose `data` is the thinking encrypted. Both are billed as the
 * thinking they seal; reserved at 0, a loop's reservation missed them. They are reserved as
 * OpenAI's `encrypted_content` is: decoded bytes less a 650-byte envelope, at 4 bytes a token.
 * Through OpenRouter's chat API the same thinking travels back in an assistant message's
 * `reasoning_details` (`reasoning.text` with its signature, `reasoning.encrypted`, `reasoning.summary`).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../../proxy/src/pipeline/cost';

const MODEL = 'claude-sonnet-4-5';
/** 12,000 base64 characters: 9,000 bytes sealed. */
const sealed = () => randomBytes(9_000).toString('base64');
const reserved = Math.ceil((9_000 - 650) / 4);

const turn = (assistant: unknown[]) => ({
  model: MODEL,
  max_tokens: 1024,
  messages: [
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: [...assistant, { type: 'tool_use', id: 'toolu_01', name: 'weather', input: { city: 'Paris' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '18°C, clear' }] },
  ],
});

describe('sealed thinking sent back to Claude', () => {
  it('a redacted_thinking block is reserved as the thinking its data seals', () => {
    const parts = inputParts(turn([{ type: 'redacted_thinking', data: sealed() }]));
    expect(parts.mediaTokens + parts.idTokens).toBe(reserved);
  });

  it("a thinking block's signature is reserved besides its summary text", () => {
    const parts = inputParts(turn([{ type: 'thinking', thinking: 'The user wants the weather.', signature: sealed() }]));
    expect(parts.texts).toContain('The user wants the weather.');
    expect(parts.mediaTokens + parts.idTokens).toBe(reserved);
  });

  it("a short signature (Claude 3.7's, around its envelope) adds nothing", () => {
    const parts = inputParts(turn([{ type: 'thinking', thinking: 'Short.', signature: randomBytes(300).toString('base64') }]));
    expect(parts.mediaTokens + parts.idTokens).toBe(0);
  });
});

describe("OpenRouter's reasoning_details sent back in chat", () => {
  const chat = (details: unknown[]) => ({
    model: 'anthropic/claude-sonnet-4.5',
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: null, reasoning_details: details, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C, clear' },
    ],
  });

  it('their text and summary are read, their sealed parts reserved as what they seal', () => {
    const parts = inputParts(
      chat([
        { type: 'reasoning.text', text: 'The user wants the weather.', signature: sealed(), format: 'anthropic-claude-v1', index: 0 },
        { type: 'reasoning.encrypted', data: sealed(), format: 'anthropic-claude-v1', index: 1 },
        { type: 'reasoning.summary', summary: 'Looked up the weather.', format: 'openai-responses-v1', index: 2 },
      ]),
    );
    expect(parts.texts).toEqual(expect.arrayContaining(['The user wants the weather.', 'Looked up the weather.']));
    expect(parts.mediaTokens + parts.idTokens).toBe(2 * reserved);
  });
});
