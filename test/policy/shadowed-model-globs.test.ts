/**
 * `policy validate` warns on a provider's model glob that an earlier provider always takes: the proxy
 * tries providers in the order openai, anthropic, then the policy's as written (providers/index.ts),
 * so a team that lists azure first for gpt-4o still sends gpt-4o to OpenAI. Checked against the
 * proxy's own provider choice, at the glob's line.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { resolveProviders } from '../../proxy/src/policy/schema';
import { locatedWarnings } from '../../proxy/src/policy/warnings';
import { chooseProvider } from '../../proxy/src/providers';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { startHarness, type Harness } from '../support/harness';

const text = `providers:
  azure:
    kind: openai
    baseUrl: https://contoso.openai.azure.com/openai/v1
    authHeader: api-key
    models: ["gpt-4o", "gpt-4o-2024-*", "o4-mini-deep-*"]
  openai:
    models: ["gpt-*"]
  claude-eu:
    kind: anthropic
    baseUrl: https://eu.example.com
    models: ["gpt-4o"]
`;

describe('a provider glob another provider always takes first', () => {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const warnings = locatedWarnings(r.policy, text, 'policy.yaml').filter((w) => w.path.startsWith('providers.'));

  it('is warned at its line, naming the provider and glob that take it', () => {
    expect(warnings.map((w) => [w.path, w.line])).toEqual([
      ['providers.azure.models.0', 6],
      ['providers.azure.models.1', 6],
    ]);
    expect(warnings[0]?.message).toContain(`openai's "gpt-*"`);
  });

  it('matches what the proxy does: every warned glob never reaches its provider, the others do', () => {
    const providers = resolveProviders(r.policy);
    expect(chooseProvider(providers, 'openai', 'gpt-4o', undefined)).toMatchObject({ provider: { name: 'openai' } });
    expect(chooseProvider(providers, 'openai', 'gpt-4o-2024-08-06', undefined)).toMatchObject({ provider: { name: 'openai' } });
    // Not warned: no earlier glob takes it, and claude-eu speaks the other protocol.
    expect(chooseProvider(providers, 'openai', 'o4-mini-deep-research', undefined)).toMatchObject({ provider: { name: 'azure' } });
    expect(chooseProvider(providers, 'anthropic', 'gpt-4o', undefined)).toMatchObject({ provider: { name: 'claude-eu' } });
  });
});

/**
 * A gateway provider whose models are named after another provider (OpenRouter's `openai/gpt-4o`,
 * `anthropic/claude-…`): the proxy reads a `name/` prefix naming a provider of the request's protocol
 * as that provider before it tries any glob. Checked with the OpenAI SDK through a real proxy, each
 * provider a fake upstream of its own.
 */
describe('a provider glob whose prefix names another provider', () => {
  const policyText = `providers:
  openrouter:
    baseUrl: https://openrouter.ai/api/v1
    models: ["anthropic/*", "openai/*", "meta-llama/*"]
`;
  let h: Harness;
  let openrouter: FakeUpstream;
  beforeAll(async () => {
    openrouter = await startFakeUpstream();
    h = await startHarness({ providers: { openrouter: { baseUrl: openrouter.openaiBaseUrl, models: ['anthropic/*', 'openai/*', 'meta-llama/*'] } } });
  });
  afterAll(async () => {
    await h.close();
    await openrouter.close();
  });

  /** The upstream that answered `model` on the OpenAI route, and the model it was sent. */
  const reached = async (model: string): Promise<[string, unknown]> => {
    h.upstream.reset();
    openrouter.reset();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
    const [name, log] = openrouter.requests.length > 0 ? ['openrouter', openrouter.requests] : ['openai', h.upstream.requests];
    return [name, (log[0]?.body as { model?: unknown } | undefined)?.model];
  };

  it('a prefix naming a provider of the other protocol is no provider prefix there: anthropic/* reaches openrouter, as written', async () => {
    expect(await reached('anthropic/claude-sonnet-4-5')).toEqual(['openrouter', 'anthropic/claude-sonnet-4-5']);
    expect(await reached('meta-llama/llama-3.3-70b-instruct')).toEqual(['openrouter', 'meta-llama/llama-3.3-70b-instruct']);
  });

  it('a prefix naming a provider of the same protocol wins over the glob: openai/* never reaches openrouter', async () => {
    expect(await reached('openai/gpt-4o')).toEqual(['openai', 'gpt-4o']);
    // What reaches openrouter with that name: its own prefix first.
    expect(await reached('openrouter/openai/gpt-4o')).toEqual(['openrouter', 'openai/gpt-4o']);
  });

  it('validate warns about the glob that can never match, and only that one, saying what to ask for instead', () => {
    const r = parsePolicy(policyText, 'policy.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const warnings = locatedWarnings(r.policy, policyText, 'policy.yaml').filter((w) => w.path.startsWith('providers.'));
    expect(warnings.map((w) => [w.path, w.line])).toEqual([['providers.openrouter.models.1', 4]]);
    expect(warnings[0]?.message).toContain('"openai/*" never sends a request to provider openrouter');
    expect(warnings[0]?.message).toContain('"openrouter/openai/*"');
  });
});

/**
 * A routing rule's `model` is read the same way: `anthropic/claude-…` on the OpenAI route names
 * OpenRouter's model, not the anthropic provider (whose protocol the request does not speak).
 */
describe("a routing rule's OpenRouter-style model", () => {
  let h: Harness;
  let openrouter: FakeUpstream;
  beforeAll(async () => {
    openrouter = await startFakeUpstream();
    h = await startHarness({
      providers: { openrouter: { baseUrl: openrouter.openaiBaseUrl, models: ['anthropic/*'] } },
      routing: { rules: [{ name: 'summaries', match: { feature: 'summaries' }, model: 'anthropic/claude-3-5-haiku' }] },
    });
  });
  afterAll(async () => {
    await h.close();
    await openrouter.close();
  });

  it('sends the call to the provider whose glob names it, as a direct request for that model goes', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'summarise this' }], max_tokens: 5 },
      { headers: { 'x-tollgate-feature': 'summaries' } },
    );
    expect(h.upstream.requests).toHaveLength(0);
    expect(openrouter.requests.map((r) => (r.body as { model?: unknown }).model)).toEqual(['anthropic/claude-3-5-haiku']);
  });
});
