/**
 * Which endpoints routing and budget downgrades may rewrite the model of: a declared field of each
 * endpoint spec (`routable`), true only for the text-generation turns the routing tiers name
 * models for. An embeddings, image or audio call routed to a tier's chat model is refused upstream.
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../../proxy/src/providers';

/** The chat turns: what `routing.tiers` names models for. */
const CHAT_TURNS = new Set(['chat.completions', 'completions', 'responses', 'messages']);

describe('endpoint specs declare whether their model may be routed', () => {
  it('every endpoint that is not a chat turn is non-routable', () => {
    const nonChat = ENDPOINTS.filter((e) => !CHAT_TURNS.has(e.id));
    expect(nonChat.length).toBeGreaterThan(20);
    expect(nonChat.filter((e) => e.routable).map((e) => `${e.protocol}:${e.id}`)).toEqual([]);
  });

  it('every chat turn is routable', () => {
    const turns = ENDPOINTS.filter((e) => CHAT_TURNS.has(e.id));
    expect(turns.map((e) => e.id).sort()).toEqual([...CHAT_TURNS].sort());
    expect(turns.every((e) => e.routable === true)).toBe(true);
  });

  it('no routable endpoint takes an upload or is billed from usage only (media models have no tiers)', () => {
    expect(ENDPOINTS.filter((e) => e.routable && (e.multipart || e.usageOnly || e.rawAnswers)).map((e) => e.id)).toEqual([]);
  });
});
