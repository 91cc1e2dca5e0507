/**
 * Routing rules and downgrade budgets name chat models: an image or audio call (and an embedding)
 * that a feature rule or an over-limit downgrade budget matched was rewritten to a chat model, which
 * the upstream refuses with a 400 (and the budget was not enforced). It keeps its model; a downgrade
 * budget over its limit refuses it instead, saying why.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { mediaProxy } from './mediaUpstream';

const t = mediaProxy({
    routing: {
      tiers: { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } },
      rules: [{ name: 'art-cheap', match: { feature: 'art' }, model: 'gpt-4.1-nano' }],
    },
    budgets: [{ name: 'art-team', scope: { team: 'art' }, period: 'day', usd: 0.000001, action: 'downgrade' }],
});
const { lastSent } = t;

describe('image and audio calls keep their model', () => {
  it('a routing rule for the feature leaves an image call on its image model', async () => {
    const a = await t.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat' }, { headers: { 'x-tollgate-feature': 'art' } });
    expect(a.data?.length).toBe(1);
    expect(lastSent().fields).toMatchObject({ model: 'gpt-image-1' });
    expect(t.last()).toMatchObject({ status: 200, model_used: 'gpt-image-1' });
  });

  it('a downgrade budget over its limit refuses an image call instead of sending it to a chat model', async () => {
    // The first call spends the budget (its limit is below any image's price).
    await t.client.images.generate({ model: 'gpt-image-1', prompt: 'a dog' }, { headers: { 'x-tollgate-team': 'art' } }).catch(() => undefined);
    const before = t.up.requests.length;
    const err = await t.client.images.generate({ model: 'gpt-image-1', prompt: 'a fox' }, { headers: { 'x-tollgate-team': 'art' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toContain('no cheaper tier');
    expect(t.up.requests.length).toBe(before);
  });
});
