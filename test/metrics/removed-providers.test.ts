/**
 * A provider a policy reload removes (or renames) leaves /metrics at the reload: its series stayed
 * until a restart, frozen, and a renamed provider was shown twice. The providers still in the
 * policy keep theirs, with their counts.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../support/harness';

const lines = (text: string, provider: string): string[] =>
  text.split('\n').filter((l) => /^tollgate_(requests_total|cost_usd_total)\{/.test(l) && l.includes(`provider="${provider}"`));

describe('metric series of providers a reload removed', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({});
  });
  afterAll(async () => {
    await h.close();
  });

  const metrics = async (): Promise<string> => (await fetch(`${h.proxy.url}/metrics`)).text();
  const call = (provider: string) =>
    new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0, defaultHeaders: { 'x-tollgate-provider': provider } }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `hello ${provider} ${Math.random()}` }],
    });

  it('drops the removed provider\'s request and cost series, keeps the others', async () => {
    const builtIn = h.proxy.services.policy.policy.providers;
    const withGroq = (name: string) =>
      PolicySchema.parse({
        cache: { enabled: false },
        providers: {
          ...builtIn,
          [name]: { kind: 'openai', baseUrl: h.upstream.openaiBaseUrl, apiKeyEnv: 'OPENAI_API_KEY' },
        },
      });
    h.proxy.services.policy.set(withGroq('groq'));
    await call('groq');
    await call('openai');
    const before = await metrics();
    expect(lines(before, 'groq').length).toBeGreaterThanOrEqual(2); // a request series and a cost series
    const openaiBefore = lines(before, 'openai');
    expect(openaiBefore.length).toBeGreaterThanOrEqual(2);

    // Renamed: groq → fast. The old name goes; the new one appears with its first call.
    h.proxy.services.policy.set(withGroq('fast'));
    const after = await metrics();
    expect(lines(after, 'groq')).toEqual([]);
    expect(lines(after, 'openai')).toEqual(openaiBefore);
    await call('fast');
    expect(lines(await metrics(), 'fast').length).toBeGreaterThanOrEqual(2);
    expect(lines(await metrics(), 'groq')).toEqual([]);
  });
});
