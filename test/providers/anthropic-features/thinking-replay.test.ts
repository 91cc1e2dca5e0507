/**
 * Extended thinking streamed (thinking_delta pieces, a signature_delta, a redacted_thinking block),
 * cached, and replayed: the SDK's finalMessage() from the replay equals the one from the upstream's
 * stream, signature included (a later turn sends the thinking blocks back, and Anthropic checks the
 * signature); a JSON call for the same prompt gets the same Message.
 */
import { describe, expect, it } from 'vitest';
import { proxyOverUpstream } from './anthropicUpstream';

const message = {
  id: 'msg_thinking',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'thinking', thinking: 'The user asks for 17 × 23. 17 × 20 = 340, 17 × 3 = 51, so 391.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
    { type: 'text', text: '17 × 23 = 391.' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 45, output_tokens: 96, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
};

const rig = proxyOverUpstream({ think: { message } }, 'sk-ant-thinking');

describe('extended thinking through the cache', () => {
  it('the replayed stream builds the same final Message as the upstream stream, signature and redacted block included', async () => {
    const params = { model: 'claude-sonnet-4-5', max_tokens: 2048, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, messages: [{ role: 'user' as const, content: 'think what is 17 × 23?' }] };
    const first = await rig.client.messages.stream(params).finalMessage();
    expect(first.content).toEqual(message.content);
    const replayed = rig.client.messages.stream(params);
    const { response } = await replayed.withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(await replayed.finalMessage()).toEqual(first);
    const json = await rig.client.messages.create(params);
    expect(json.content).toEqual(message.content);
    expect(rig.up.requests).toHaveLength(1);
  });
});
