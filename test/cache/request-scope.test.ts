/**
 * What the cache keys are made of besides the body: the forwarded headers that change the answer,
 * the attribution / provider-cache fields that do not, and the requests that continue state the
 * provider keeps (never cached). Pure functions; the proxy-level behaviour is in
 * cache-scope-proxy.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { exactCacheKey, keyHeaders } from '../../proxy/src/cache/canonical';
import { semanticKey, type SemanticKey } from '../../proxy/src/cache/semantic/namespace';
import { statefulReason } from '../../proxy/src/cache/stateful';

const ANTHROPIC_DEFAULTS = { 'anthropic-version': '2023-06-01' };
const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const key = (b: Record<string, unknown>, headers?: Record<string, string>) => exactCacheKey('ns', 'chat.completions', 'openai', b, headers);

function hashOf(k: SemanticKey): string {
  if (!k.eligible) throw new Error(`expected eligible, got: ${k.reason}`);
  return k.contextHash;
}

describe('keyHeaders', () => {
  it('keeps the forwarded headers that change the answer, and only those', () => {
    const h = keyHeaders(
      { 'anthropic-beta': 'interleaved-thinking-2025-05-14', 'openai-project': 'proj_a', 'openai-organization': 'org_a', 'x-tollgate-feature': 'f', accept: 'application/json', 'user-agent': 'sdk/1' },
      {},
      {},
    );
    expect(h).toEqual({ 'anthropic-beta': 'interleaved-thinking-2025-05-14', 'openai-organization': 'org_a', 'openai-project': 'proj_a' });
  });

  it('treats the protocol default version as absent, so SDKs that send it and clients that do not share keys', () => {
    expect(keyHeaders({ 'anthropic-version': '2023-06-01' }, {}, ANTHROPIC_DEFAULTS)).toEqual({});
    expect(keyHeaders({}, {}, ANTHROPIC_DEFAULTS)).toEqual({});
    expect(keyHeaders({ 'anthropic-version': '2023-01-01' }, {}, ANTHROPIC_DEFAULTS)).toEqual({ 'anthropic-version': '2023-01-01' });
  });

  it('reads a beta list as a set (order, spaces and repeats do not matter)', () => {
    const a = keyHeaders({ 'anthropic-beta': 'b-2025, a-2025' }, {}, {});
    const b = keyHeaders({ 'anthropic-beta': 'a-2025,b-2025,a-2025' }, {}, {});
    expect(a).toEqual(b);
    expect(a).not.toEqual(keyHeaders({ 'anthropic-beta': 'a-2025' }, {}, {}));
  });

  it("uses the provider's configured header over the client's, as forwarding does", () => {
    const fromPolicy = keyHeaders({ 'anthropic-beta': 'client-beta' }, { 'Anthropic-Beta': 'policy-beta' }, {});
    expect(fromPolicy).toEqual({ 'anthropic-beta': 'policy-beta' });
  });
});

describe('exactCacheKey', () => {
  it('without answer-changing headers, is the key earlier versions wrote', () => {
    expect(key(body, {})).toBe(key(body));
  });

  it('splits on answer-changing headers', () => {
    expect(key(body, { 'openai-project': 'proj_a' })).not.toBe(key(body));
    expect(key(body, { 'openai-project': 'proj_a' })).not.toBe(key(body, { 'openai-project': 'proj_b' }));
  });

  it('ignores attribution and provider prompt-cache fields', () => {
    for (const extra of [{ safety_identifier: 'u1' }, { prompt_cache_key: 'k1' }, { prompt_cache_retention: '24h' }, { user: 'u', metadata: { a: '1' } }, { client_metadata: { 'x-codex-installation-id': 'i1', 'x-codex-turn-id': 't1' } }]) {
      expect(key({ ...body, ...extra })).toBe(key(body));
    }
    expect(key({ ...body, temperature: 1 })).not.toBe(key(body));
  });
});

describe('a single plain text part is keyed as its text', () => {
  const anthropic = (system: unknown, content: unknown) => exactCacheKey('ns', 'messages', 'anthropic', { model: 'claude', max_tokens: 10, system, messages: [{ role: 'user', content }] });

  it('Anthropic system and message content as a string or one text block share a key', () => {
    expect(anthropic([{ type: 'text', text: 'Be brief.' }], [{ type: 'text', text: 'hi' }])).toBe(anthropic('Be brief.', 'hi'));
    expect(key({ ...body, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] })).toBe(key(body));
    const responses = (content: unknown) => exactCacheKey('ns', 'responses', 'openai', { model: 'm', input: [{ role: 'user', content }] });
    expect(responses([{ type: 'input_text', text: 'hi' }])).toBe(responses('hi'));
    // A prompt-cache breakpoint changes billing, never the answer (canonical.ts).
    expect(anthropic([{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], 'hi')).toBe(anthropic('Be brief.', 'hi'));
  });

  it('other text, several parts, or a part with more than its text keep their own key', () => {
    expect(anthropic([{ type: 'text', text: 'Be brief!' }], 'hi')).not.toBe(anthropic('Be brief.', 'hi'));
    expect(anthropic([{ type: 'text', text: 'Be' }, { type: 'text', text: 'brief.' }], 'hi')).not.toBe(anthropic('Be brief.', 'hi'));
    expect(key({ ...body, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }] }] })).not.toBe(
      key({ ...body, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/b.png' } }] }] }),
    );
  });

  it('the semantic context does the same for earlier turns and the system prompt', () => {
    const msgs = (system: unknown, earlier: unknown) => ({ model: 'claude', max_tokens: 10, system, messages: [{ role: 'user', content: earlier }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'q' }] });
    expect(hashOf(semanticKey('messages', msgs([{ type: 'text', text: 'S' }], [{ type: 'text', text: 'E' }])))).toBe(hashOf(semanticKey('messages', msgs('S', 'E'))));
    expect(hashOf(semanticKey('messages', msgs('S', 'E2')))).not.toBe(hashOf(semanticKey('messages', msgs('S', 'E'))));
  });
});

describe('semanticKey ignores the same fields as the exact key', () => {
  it('safety_identifier and prompt_cache_key do not split the context', () => {
    const base = hashOf(semanticKey('chat.completions', body));
    expect(hashOf(semanticKey('chat.completions', { ...body, safety_identifier: 'a', prompt_cache_key: 'b', prompt_cache_retention: 'in_memory' }))).toBe(base);
  });
});

describe('statefulReason', () => {
  it('refuses requests that continue provider-side state', () => {
    expect(statefulReason('responses', { model: 'm', input: 'hi', conversation: 'conv_1' })).toBeDefined();
    expect(statefulReason('responses', { model: 'm', input: 'hi', conversation: { id: 'conv_1' } })).toBeDefined();
    expect(statefulReason('responses', { model: 'm', input: 'hi', tools: [{ type: 'code_interpreter', container: 'cntr_1' }] })).toBeDefined();
    expect(statefulReason('messages', { model: 'm', messages: [], container: 'container_1' })).toBeDefined();
    expect(statefulReason('messages', { model: 'm', messages: [], container: { id: 'container_1', skills: [] } })).toBeDefined();
  });

  it('allows immutable references and fresh containers', () => {
    expect(statefulReason('responses', { model: 'm', input: 'hi', previous_response_id: 'resp_1' })).toBeUndefined();
    expect(statefulReason('responses', { model: 'm', input: 'hi', conversation: null })).toBeUndefined();
    expect(statefulReason('responses', { model: 'm', input: 'hi', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] })).toBeUndefined();
    expect(statefulReason('messages', { model: 'm', messages: [], container: { skills: [] } })).toBeUndefined();
    expect(statefulReason('chat.completions', { model: 'm', messages: [], conversation: 'x' })).toBeUndefined();
  });
});
