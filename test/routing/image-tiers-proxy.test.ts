/**
 * `model: "auto"` with an image, through the real proxy and the OpenAI SDK: the small tier's model
 * reads no images (gpt-3.5-turbo), so the request goes to the next tier that does, and the route
 * header says which tier was passed over. (The route stage never told the router about images, so
 * a short question about a picture went to the text-only model.)
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let h: Harness;
let openai: OpenAI;

beforeAll(async () => {
  h = await startHarness({ routing: { router: 'score', tiers: { openai: { small: 'gpt-3.5-turbo', large: 'gpt-4o' } } } });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-image-tiers', maxRetries: 0 });
}, 60_000);
afterAll(async () => h.close());

describe('model "auto" with an image', () => {
  it('a short text question goes to the small tier', async () => {
    const { response } = await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi there' }] }).withResponse();
    expect(response.headers.get('x-tollgate-route')).toMatch(/^small; /);
    expect((h.upstream.requests.at(-1)?.body as { model?: string }).model).toBe('gpt-3.5-turbo');
  });

  it('the same question with an image skips the text-only small tier', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi there' }, { type: 'image_url', image_url: { url: PNG } }] }] })
      .withResponse();
    const route = response.headers.get('x-tollgate-route') ?? '';
    expect(route).toMatch(/^large; /);
    expect(route).toContain('images=skipped small(gpt-3.5-turbo)');
    expect((h.upstream.requests.at(-1)?.body as { model?: string }).model).toBe('gpt-4o');
  });
});
