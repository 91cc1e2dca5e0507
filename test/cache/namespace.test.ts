import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../proxy/src/cache/canonical';
import { semanticKey, type SemanticKey } from '../../proxy/src/cache/semantic/namespace';

function hashOf(k: SemanticKey): string {
  if (!k.eligible) throw new Error(`expected eligible, got: ${k.reason}`);
  return k.contextHash;
}

const chat = (last: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  temperature: 0,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: last },
  ],
  ...extra,
});

describe('canonicalJson', () => {
  it('does not depend on key order at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });
});

describe('semanticKey', () => {
  it('gives the same context to requests differing only in the last user text', () => {
    const a = semanticKey('chat.completions', chat('How do I reset my password?'));
    const b = semanticKey('chat.completions', chat('I forgot my password, how can I reset it?'));
    expect(hashOf(a)).toBe(hashOf(b));
    expect(a.eligible && a.lastUserText).toBe('How do I reset my password?');
  });

  it('ignores key order and transport-only fields (stream, stream_options, user, metadata)', () => {
    const base = chat('q');
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    const streamed = { ...base, stream: true, stream_options: { include_usage: true }, user: 'u-1', metadata: { team: 'x' } };
    expect(hashOf(semanticKey('chat.completions', reordered))).toBe(hashOf(semanticKey('chat.completions', base)));
    expect(hashOf(semanticKey('chat.completions', streamed))).toBe(hashOf(semanticKey('chat.completions', base)));
  });

  it('changes the context for model, system prompt, earlier turns, tools and sampling/format parameters', () => {
    const base = hashOf(semanticKey('chat.completions', chat('q')));
    const variants: unknown[] = [
      chat('q', { model: 'gpt-4o' }),
      chat('q', { temperature: 0.7 }),
      chat('q', { max_tokens: 10 }),
      chat('q', { response_format: { type: 'json_object' } }),
      chat('q', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }),
      { ...chat('q'), messages: [{ role: 'system', content: 'You are verbose.' }, ...chat('q').messages.slice(1)] },
      { ...chat('q'), messages: [chat('q').messages[0], { role: 'user', content: 'Hey' }, ...chat('q').messages.slice(2)] },
    ];
    const hashes = variants.map((v) => hashOf(semanticKey('chat.completions', v)));
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('separates endpoints', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'q' }], max_tokens: 5 };
    expect(hashOf(semanticKey('chat.completions', body))).not.toBe(hashOf(semanticKey('messages', body)));
  });

  it('accepts text-only content parts and joins them', () => {
    const k = semanticKey('chat.completions', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] });
    expect(k).toMatchObject({ eligible: true, lastUserText: 'a\nb' });
  });

  it.each([
    ['n > 1', chat('q', { n: 2 })],
    // A stored answer's log probabilities were scored on another prompt.
    ['logprobs', chat('q', { logprobs: true, top_logprobs: 3 })],
    ['forced tool choice', chat('q', { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'required' })],
    ['named tool choice', chat('q', { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'f' } } })],
    ['image in last turn', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:' } }] }] }],
    ['empty text', chat('   ')],
    ['earlier tool call', { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: '1' }] }, { role: 'tool', content: 'r', tool_call_id: '1' }, { role: 'user', content: 'q' }] }],
    ['last turn not user', { model: 'm', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'prefill' }] }],
  ])('chat.completions: not eligible with %s', (_name, body) => {
    expect(semanticKey('chat.completions', body).eligible).toBe(false);
  });

  it('tools with tool_choice auto stay eligible', () => {
    expect(semanticKey('chat.completions', chat('q', { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'auto' })).eligible).toBe(true);
  });

  it('allowed_tools in auto mode forces nothing and stays eligible; in required mode it forces a call', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const allowed = (mode: string) => ({ type: 'allowed_tools', allowed_tools: { mode, tools: [{ type: 'function', function: { name: 'f' } }] } });
    expect(semanticKey('chat.completions', chat('q', { tools, tool_choice: allowed('auto') })).eligible).toBe(true);
    expect(semanticKey('chat.completions', chat('q', { tools, tool_choice: allowed('required') }))).toMatchObject({ eligible: false, reason: expect.stringContaining('forces') });
    // The Responses API's shape puts the mode beside the type.
    const responses = (mode: string) => ({ model: 'gpt-5-mini', input: 'q', tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'allowed_tools', mode, tools: [{ type: 'function', name: 'f' }] } });
    expect(semanticKey('responses', responses('auto')).eligible).toBe(true);
    expect(semanticKey('responses', responses('required')).eligible).toBe(false);
  });

  it('Anthropic messages: system prompt is part of the context; tool use and forcing are not eligible', () => {
    const msg = (system: string, text: string) => ({ model: 'claude-3-5-haiku-latest', max_tokens: 100, system, messages: [{ role: 'user', content: text }] });
    expect(hashOf(semanticKey('messages', msg('s1', 'a')))).toBe(hashOf(semanticKey('messages', msg('s1', 'b'))));
    expect(hashOf(semanticKey('messages', msg('s1', 'a')))).not.toBe(hashOf(semanticKey('messages', msg('s2', 'a'))));
    expect(semanticKey('messages', { ...msg('s', 'a'), tool_choice: { type: 'any' } }).eligible).toBe(false);
    expect(semanticKey('messages', { ...msg('s', 'a'), tool_choice: { type: 'tool', name: 't' } }).eligible).toBe(false);
    expect(
      semanticKey('messages', {
        model: 'c',
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'x', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }, { type: 'text', text: 'q' }] },
        ],
      }).eligible,
    ).toBe(false);
    expect(semanticKey('messages', { model: 'c', messages: [{ role: 'user', content: [{ type: 'image', source: {} }] }] }).eligible).toBe(false);
  });

  it('responses and completions endpoints', () => {
    const r1 = semanticKey('responses', { model: 'gpt-4o', instructions: 'be brief', input: 'first question' });
    const r2 = semanticKey('responses', { model: 'gpt-4o', instructions: 'be brief', input: 'second question' });
    const r3 = semanticKey('responses', { model: 'gpt-4o', instructions: 'be long', input: 'first question' });
    expect(hashOf(r1)).toBe(hashOf(r2));
    expect(hashOf(r1)).not.toBe(hashOf(r3));
    expect(semanticKey('responses', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] })).toMatchObject({ eligible: true, lastUserText: 'hi' });
    expect(semanticKey('responses', { model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 'x' }, { role: 'user', content: 'hi' }] }).eligible).toBe(false);
    expect(semanticKey('responses', { model: 'm', input: 'hi', include: ['message.output_text.logprobs'], top_logprobs: 2 })).toEqual({ eligible: false, reason: 'logprobs are computed on the exact prompt' });
    expect(semanticKey('responses', { model: 'm', input: 'hi', include: ['reasoning.encrypted_content'] }).eligible).toBe(true);
    expect(semanticKey('chat.completions', chat('q', { logprobs: false })).eligible).toBe(true);
    expect(semanticKey('completions', { model: 'm', prompt: 'say hi', n: 1 })).toMatchObject({ eligible: true, lastUserText: 'say hi' });
    expect(semanticKey('completions', { model: 'm', prompt: ['a', 'b'] }).eligible).toBe(false);
    expect(semanticKey('completions', { model: 'm', prompt: 'a', n: 3 }).eligible).toBe(false);
  });
});
