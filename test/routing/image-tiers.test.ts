/**
 * `model: "auto"` with an image: a tier whose model reads no images (gpt-3.5-turbo, o3-mini) is
 * passed over, larger first, and the route header says which; a model no catalogue knows is kept.
 * The request shapes are the ones the SDKs send: chat `image_url`, Responses `input_image` (also
 * inside a `function_call_output`), Anthropic `image` blocks (also inside a `tool_result`).
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { routeRequest, type RouteInput } from '../../proxy/src/routing/route';
import { carriesImages, takesImages } from '../../proxy/src/routing/vision';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const EASY = 'What is in this picture?';

function input(policy: PolicyInput, over: Partial<RouteInput> = {}): RouteInput {
  return {
    policy: PolicySchema.parse({ ...policy, routing: { router: 'score', ...policy.routing } }),
    provider: 'openai',
    model: 'auto',
    messages: [{ role: 'user', text: EASY }],
    headers: {},
    inputTokens: 10,
    ...over,
  };
}

describe('carriesImages', () => {
  it('finds the image parts of each wire format', () => {
    expect(carriesImages({ messages: [{ role: 'user', content: [{ type: 'text', text: EASY }, { type: 'image_url', image_url: { url: PNG, detail: 'low' } }] }] })).toBe(true);
    expect(carriesImages({ input: [{ role: 'user', content: [{ type: 'input_text', text: EASY }, { type: 'input_image', image_url: PNG }] }] })).toBe(true);
    expect(carriesImages({ input: [{ type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_image', image_url: PNG }] }] })).toBe(true);
    const anthropicImage = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG.split(',')[1] } };
    expect(carriesImages({ messages: [{ role: 'user', content: [anthropicImage, { type: 'text', text: EASY }] }] })).toBe(true);
    expect(carriesImages({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [anthropicImage] }] }] })).toBe(true);
  });

  it('finds none in text, tool calls or a string input', () => {
    expect(carriesImages({ messages: [{ role: 'user', content: 'describe an image_url field' }] })).toBe(false);
    expect(carriesImages({ input: 'a picture of a cat' })).toBe(false);
    expect(carriesImages({ messages: [{ role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'image', arguments: '{}' } }] }] })).toBe(false);
  });
});

describe('takesImages', () => {
  it('reads the catalogue, snapshots and provider prefixes included; unknown is undefined', () => {
    expect(takesImages('gpt-4o-mini')).toBe(true);
    expect(takesImages('gpt-4o-2024-08-06')).toBe(true);
    expect(takesImages('openai/gpt-4.1-nano')).toBe(true);
    expect(takesImages('gpt-3.5-turbo')).toBe(false);
    expect(takesImages('o3-mini')).toBe(false);
    expect(takesImages('claude-3-5-haiku-20241022')).toBe(true);
    expect(takesImages('my-local-llama')).toBeUndefined();
  });
});

describe('routing a request that carries an image', () => {
  const tiers = { openai: { small: 'gpt-3.5-turbo', medium: 'o3-mini', large: 'gpt-4o' } };

  it('skips the small and medium tiers that read no images and says so', () => {
    const d = routeRequest(input({ routing: { tiers } }, { images: true }))!;
    expect(d.tier).toBe('large');
    expect(d.model).toBe('gpt-4o');
    expect(d.header).toMatch(/^large; score=[01]\.\d\d; rule=auto; images=skipped small\(gpt-3\.5-turbo\) medium\(o3-mini\)$/);
  });

  it('routes as before without an image', () => {
    const d = routeRequest(input({ routing: { tiers } }))!;
    expect(d.tier).toBe('small');
    expect(d.header).not.toContain('images');
  });

  it('keeps a tier whose model takes images, and one no catalogue knows', () => {
    expect(routeRequest(input({ routing: { tiers: { openai: { small: 'gpt-4o-mini', large: 'gpt-4o' } } } }, { images: true }))!.model).toBe('gpt-4o-mini');
    expect(routeRequest(input({ routing: { tiers: { openai: { small: 'my-local-vlm', large: 'gpt-4o' } } } }, { images: true }))!.model).toBe('my-local-vlm');
  });

  it('a rule that names a tier is moved up the same way', () => {
    const d = routeRequest(input({ routing: { tiers, rules: [{ name: 'cheap', match: { model: 'auto' }, tier: 'small' }] } }, { images: true }))!;
    expect(d.model).toBe('gpt-4o');
    expect(d.header).toContain('rule=cheap; images=skipped small(gpt-3.5-turbo) medium(o3-mini)');
  });

  it('falls back down when no larger tier takes images, and keeps the wanted tier when none does', () => {
    const down = routeRequest(input({ routing: { tiers: { openai: { small: 'gpt-4o-mini', large: 'o3-mini' } }, thresholds: { medium: 0, large: 0 } } }, { images: true }))!;
    expect(down.model).toBe('gpt-4o-mini');
    expect(down.header).toContain('images=skipped large(o3-mini)');
    const none = routeRequest(input({ routing: { tiers: { openai: { small: 'gpt-3.5-turbo', large: 'o3-mini' } } } }, { images: true }))!;
    expect(none.model).toBe('gpt-3.5-turbo');
    expect(none.header).not.toContain('images');
  });
});
