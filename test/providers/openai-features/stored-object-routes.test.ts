/**
 * Conversations (what a Responses call names in `conversation`) and stored chat completions
 * (`store: true`), managed with the same base URL as the calls that use them: each route is
 * relayed to the upstream with the caller's key and the client's path and query, never cached
 * (a second read goes upstream again), and recorded in the ledger at $0.
 */
import { describe, expect, it } from 'vitest';
import { type Json, lastRow, proxyOverUpstream } from './openaiUpstream';

const CONV = 'conv_68c1f2a7b3e08190a1b2c3d4e5f6';
const conversation: Json = { id: CONV, object: 'conversation', created_at: 1_764_600_000, metadata: { topic: 'demo' } };
const item: Json = { id: 'msg_abc', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Hello!' }] };
const list = (data: Json[]): Json => ({ object: 'list', data, first_id: 'msg_abc', last_id: 'msg_abc', has_more: false });
const CHAT = 'chatcmpl-CFf1zQ3pJ2';
const completion: Json = { id: CHAT, object: 'chat.completion', created: 1_764_600_000, model: 'gpt-4.1-2025-04-14', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: null, annotations: [] }, finish_reason: 'stop', logprobs: null }], metadata: { run: '7' }, usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 } };
const routes: Record<string, Json> = {
  'POST /v1/conversations': conversation,
  [`GET /v1/conversations/${CONV}`]: conversation,
  [`POST /v1/conversations/${CONV}`]: { ...conversation, metadata: { topic: 'renamed' } },
  [`DELETE /v1/conversations/${CONV}`]: { id: CONV, object: 'conversation.deleted', deleted: true },
  [`GET /v1/conversations/${CONV}/items`]: list([item]),
  [`POST /v1/conversations/${CONV}/items`]: list([item]),
  [`GET /v1/conversations/${CONV}/items/msg_abc`]: item,
  [`DELETE /v1/conversations/${CONV}/items/msg_abc`]: conversation,
  'GET /v1/chat/completions': { object: 'list', data: [completion], first_id: CHAT, last_id: CHAT, has_more: false },
  [`GET /v1/chat/completions/${CHAT}`]: completion,
  [`POST /v1/chat/completions/${CHAT}`]: { ...completion, metadata: { run: '8' } },
  [`DELETE /v1/chat/completions/${CHAT}`]: { object: 'chat.completion.deleted', id: CHAT, deleted: true },
  [`GET /v1/chat/completions/${CHAT}/messages`]: { object: 'list', data: [{ id: `${CHAT}-0`, role: 'user', content: 'Hello' }], first_id: `${CHAT}-0`, last_id: `${CHAT}-0`, has_more: false },
};
const KEY = 'sk-proj-stored-objects';
const t = proxyOverUpstream({}, KEY, {}, routes);

const sent = (method: string, path: string) => t.up.requests.filter((r) => r.method === method && r.path.split('?')[0] === path);

describe('conversation and stored chat completion routes', () => {
  it('manages a conversation and its items', async () => {
    const created = await t.client.conversations.create({ metadata: { topic: 'demo' }, items: [{ type: 'message', role: 'user', content: 'Hello!' }] });
    expect(created.id).toBe(CONV);
    expect(sent('POST', '/v1/conversations')[0]!.body).toEqual({ metadata: { topic: 'demo' }, items: [{ type: 'message', role: 'user', content: 'Hello!' }] });
    expect((await t.client.conversations.retrieve(CONV)).metadata).toEqual({ topic: 'demo' });
    expect((await t.client.conversations.retrieve(CONV)).id).toBe(CONV);
    expect(sent('GET', `/v1/conversations/${CONV}`).length).toBe(2);
    expect((await t.client.conversations.update(CONV, { metadata: { topic: 'renamed' } })).metadata).toEqual({ topic: 'renamed' });
    const items = await t.client.conversations.items.list(CONV, { limit: 10 });
    expect(items.data[0]?.id).toBe('msg_abc');
    expect(sent('GET', `/v1/conversations/${CONV}/items`)[0]!.path).toContain('limit=10');
    await t.client.conversations.items.create(CONV, { items: [{ type: 'message', role: 'user', content: 'More' }] });
    expect((await t.client.conversations.items.retrieve('msg_abc', { conversation_id: CONV })).id).toBe('msg_abc');
    await t.client.conversations.items.delete('msg_abc', { conversation_id: CONV });
    await t.client.conversations.delete(CONV);
    expect(sent('DELETE', `/v1/conversations/${CONV}`)[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(lastRow(t.h)).toMatchObject({ status: 200, endpoint: 'conversations.delete', cost_usd: 0 });
  });

  it('lists, reads, updates and deletes stored chat completions', async () => {
    const page = await t.client.chat.completions.list({ metadata: { run: '7' } });
    expect(page.data[0]?.id).toBe(CHAT);
    expect(await t.client.chat.completions.retrieve(CHAT)).toMatchObject({ metadata: { run: '7' } });
    expect(await t.client.chat.completions.update(CHAT, { metadata: { run: '8' } })).toMatchObject({ metadata: { run: '8' } });
    expect((await t.client.chat.completions.messages.list(CHAT)).data[0]?.content).toBe('Hello');
    await t.client.chat.completions.delete(CHAT);
    expect(sent('DELETE', `/v1/chat/completions/${CHAT}`).length).toBe(1);
    expect(lastRow(t.h)).toMatchObject({ status: 200, endpoint: 'chat.completions.delete', cost_usd: 0 });
  });
});
