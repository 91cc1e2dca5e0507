/**
 * `unstorableReason` on answer shapes real providers and OpenAI-compatible servers send that the
 * proxy tests' upstream does not: what is a whole answer (kept) and what no cache may keep.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, unstorableReason } from '../../../proxy/src/cache/storable';
import { ENDPOINTS } from '../../../proxy/src/providers';

const chat = (message: Record<string, unknown>, finish_reason = 'stop') => ({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason }] });

describe('kept', () => {
  it.each([
    ['chat text', chat({ content: 'Hi' })],
    ['content as a list of parts (Mistral)', chat({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }] }, { type: 'text', text: 'Hi' }] })],
    ['a whole tool call', chat({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls')],
    ['audio only', chat({ content: null, audio: { id: 'a', data: 'UklGR', transcript: 'Hi' } })],
    ['one empty choice among n = 2', { choices: [chat({ content: '' }).choices[0], { ...chat({ content: 'B' }).choices[0], index: 1 }] }],
  ])('chat: %s', (_label, body) => expect(unstorableReason('chat.completions', body)).toBeUndefined());

  it('Anthropic thinking + tool use, server tool results, and text cut by max_tokens', () => {
    expect(unstorableReason('messages', { content: [{ type: 'thinking', thinking: 'x', signature: 's' }, { type: 'tool_use', id: 't', name: 'f', input: { a: 1 } }], stop_reason: 'tool_use' })).toBeUndefined();
    expect(unstorableReason('messages', { content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }, { type: 'web_search_tool_result', tool_use_id: 's', content: [] }, { type: 'text', text: 'Found it' }], stop_reason: 'end_turn' })).toBeUndefined();
    expect(unstorableReason('messages', { content: [{ type: 'text', text: 'Once upon' }], stop_reason: 'max_tokens' })).toBeUndefined();
  });

  it('bodies without the endpoint answer field, and endpoints without rules, are not judged', () => {
    expect(unstorableReason('chat.completions', { answer: 'x' })).toBeUndefined();
    expect(unstorableReason('embeddings', { data: [] })).toBeUndefined();
    expect(unstorableReason('responses', { status: 'completed', output: [{ type: 'reasoning', summary: [] }, { type: 'function_call', arguments: '{"a":1}', name: 'f', call_id: 'c' }] })).toBeUndefined();
  });
});

describe('not kept', () => {
  it.each([
    ['chat.completions', { choices: [] }, 'no choices'],
    ['chat.completions', chat({ content: '' }, 'length'), 'empty'],
    ['chat.completions', chat({ content: null, refusal: 'No.' }), 'refused'],
    ['chat.completions', chat({ content: 'Partial' }, 'content_filter'), 'content filter'],
    ['chat.completions', chat({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] }, 'length'), 'tool call'],
    ['completions', { choices: [{ text: 'x', index: 0, finish_reason: 'content_filter' }] }, 'content filter'],
    ['completions', { choices: [{ text: '', index: 0, finish_reason: 'stop' }] }, 'empty'],
    ['messages', { content: [{ type: 'text', text: '' }], stop_reason: 'end_turn' }, 'empty'],
    ['messages', { content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }], stop_reason: 'max_tokens' }, 'tool call'],
    ['responses', { status: 'failed', output: [] }, 'failed'],
    ['responses', { status: 'queued', output: [] }, 'queued'],
    ['responses', { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'function_call', name: 'f', call_id: 'c', arguments: '{"q": "ab' }] }, 'tool call'],
  ])('%s %j', (endpoint, body, reason) => {
    expect(unstorableReason(endpoint, body)).toContain(reason);
  });
});

describe('nesting', () => {
  /** A chat answer `levels` deep: the body, then a provider field of nested arrays (parsed, as an upstream's text is). */
  const nested = (levels: number) => JSON.parse(`{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"trace":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`) as Record<string, unknown>;
  const replay = ENDPOINTS.find((e) => e.id === 'chat.completions')!.replay!;

  it(`an answer ${MAX_DEPTH} levels deep is kept, and replays as a stream`, () => {
    expect(unstorableReason('chat.completions', nested(MAX_DEPTH))).toBeUndefined();
    expect(replay(nested(MAX_DEPTH), { includeUsage: false }).join('')).toContain('"trace":[[');
  });

  it('one level more is not kept, nor one far past any stack (checked without recursing)', () => {
    expect(unstorableReason('chat.completions', nested(MAX_DEPTH + 1))).toContain(`more than ${MAX_DEPTH} levels`);
    const deep = nested(200_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(unstorableReason('embeddings', deep)).toContain(`more than ${MAX_DEPTH} levels`);
  });
});
