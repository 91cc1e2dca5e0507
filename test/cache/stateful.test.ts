/**
 * The one list of requests no cache may answer or keep (cache/stateful.ts): the real-time caches
 * and batch lines read it alike. A Responses stored prompt without a pinned version was refused by
 * the real-time path only, so a batch line naming one was still answered from the cache.
 */
import { describe, expect, it } from 'vitest';
import { statefulReason } from '../../proxy/src/cache/stateful';

describe('statefulReason', () => {
  it('a stored prompt runs whichever version is current unless one is pinned', () => {
    expect(statefulReason('responses', { model: 'gpt-5', prompt: { id: 'pmpt_123', variables: { city: 'Paris' } } })).toMatch(/stored prompt without a pinned version/);
    expect(statefulReason('responses', { model: 'gpt-5', prompt: { id: 'pmpt_123', version: null } })).toMatch(/pinned version/);
    expect(statefulReason('responses', { model: 'gpt-5', prompt: { id: 'pmpt_123', version: '4' } })).toBeUndefined();
  });

  it('conversations and named containers, as before; plain requests may be cached', () => {
    expect(statefulReason('responses', { conversation: 'conv_1', input: 'hi' })).toMatch(/conversation/);
    expect(statefulReason('responses', { tools: [{ type: 'code_interpreter', container: 'cntr_1' }] })).toMatch(/container/);
    expect(statefulReason('messages', { container: 'cntr_1' })).toMatch(/container/);
    expect(statefulReason('responses', { model: 'gpt-5', input: 'hi', previous_response_id: 'resp_1' })).toBeUndefined();
    expect(statefulReason('chat.completions', { model: 'gpt-4o', messages: [], prompt: { id: 'x' } })).toBeUndefined();
  });
});
