/**
 * `model: "Auto"` as users type it (any case, stray spaces) is routed through the real proxy like
 * `auto`, also when the policy has no routing rules (the stage used to skip routing unless the
 * model was exactly "auto", and the upstream was asked for a model named "Auto").
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let openai: OpenAI;

beforeAll(async () => {
  h = await startHarness({ routing: { router: 'score', tiers: { openai: { small: 'gpt-4o-mini', medium: 'gpt-4o', large: 'gpt-4.1' } } } });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-auto-spelling', maxRetries: 0 });
}, 60_000);
afterAll(async () => h.close());

describe('model "auto" in any spelling', () => {
  it.each(['Auto', 'AUTO', ' auto '])('%j is routed to a tier model', async (model) => {
    const { data, response } = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: `What is 2 + 2? (${model})` }] }).withResponse();
    expect(response.headers.get('x-tollgate-route')).toMatch(/^(small|medium|large); /);
    const sent = h.upstream.requests.at(-1)?.body as { model?: string };
    expect(['gpt-4o-mini', 'gpt-4o', 'gpt-4.1']).toContain(sent.model);
    expect(data.model).toBe(sent.model);
  });

  it('a model that only contains "auto" is sent as it is', async () => {
    await openai.chat.completions.create({ model: 'autopilot-1', messages: [{ role: 'user', content: 'hello' }] });
    expect((h.upstream.requests.at(-1)?.body as { model?: string }).model).toBe('autopilot-1');
  });
});
