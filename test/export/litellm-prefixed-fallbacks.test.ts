/**
 * What LiteLLM tries after a failed call, read from the exported config the way its router reads it,
 * against what the proxy tries (governance/fallback.ts fallbackTargets). LiteLLM looks a request's
 * fallbacks up by its model group (get_fallback_model_group, litellm/router_utils/
 * fallback_event_handlers.py @ 0159f7ae): an exact key, else the key left after stripping one of
 * LiteLLM's own provider names (openai/, azure/, …), else "*". A client naming one of the policy's
 * providers ("aoai/prod-4o", "work/llama-3-70b") got no fallback at all; and a bare `to` model, which
 * the proxy tries on the provider that failed, went to the bare group's provider.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { fallbackTargets } from '../../proxy/src/governance/fallback';
import { parsePolicy } from '../../proxy/src/policy/load';
import type { Policy } from '../../proxy/src/policy/schema';

const POLICY = `providers:
  aoai:
    baseUrl: https://acme.openai.azure.com/openai/v1
    apiKeyEnv: AOAI_KEY
    authHeader: api-key
    models: [prod-4o]
    priceAs: { prod-4o: gpt-4o }
  work:
    baseUrl: https://llm.work.example/v1
    apiKeyEnv: WORK_KEY
    models: ["llama*"]
fallbacks:
  - { from: prod-4o, to: [openai/gpt-4o] }
  - { from: llama-3-70b, to: [gpt-4o-mini, llama-3-8b] }
`;
/** Where each exported deployment's api_base leads, as the policy's provider names. */
const BASES: Record<string, string> = { 'https://acme.openai.azure.com': 'aoai', 'https://llm.work.example/v1': 'work', 'https://api.openai.com/v1': 'openai' };
/** A few of litellm.provider_list: the names _check_stripped_model_group strips. */
const LITELLM_PROVIDERS = ['openai', 'azure', 'anthropic', 'bedrock', 'groq', 'mistral'];

interface Deployment {
  model_name: string;
  litellm_params: { model: string; api_base: string };
}
interface Config {
  model_list: Deployment[];
  router_settings: { fallbacks?: Array<Record<string, string[]>> };
}

/** get_fallback_model_group, as LiteLLM's router runs it. */
function fallbackGroups(fallbacks: Array<Record<string, string[]>>, group: string): string[] {
  let stripped: string[] | undefined;
  let generic: string[] | undefined;
  for (const item of fallbacks) {
    const key = Object.keys(item)[0]!;
    if (key === group) return item[key]!;
    if (LITELLM_PROVIDERS.some((p) => group.startsWith(`${p}/`) && group.replace(`${p}/`, '') === key)) stripped = item[key];
    else if (key === '*') generic = item[key];
  }
  return stripped ?? generic ?? [];
}

/** The provider and model a group's call reaches: its exact deployment, else the first wildcard matching from the start. */
function reached(config: Config, group: string): string {
  const exact = config.model_list.find((d) => d.model_name === group);
  const wild = config.model_list.find((d) => d.model_name.includes('*') && new RegExp(`^${d.model_name.replaceAll('*', '(.*)')}`).test(group));
  const d = exact ?? wild;
  if (!d) return `${group} (no deployment)`;
  const rest = exact ? '' : (new RegExp(`^${d.model_name.replaceAll('*', '(.*)')}`).exec(group)?.[1] ?? '');
  return `${BASES[d.litellm_params.api_base]}/${d.litellm_params.model.replace(/^[a-z]+\//, '').replace('*', rest)}`;
}

describe('LiteLLM fallbacks of a request naming the provider', () => {
  const parsed = parsePolicy(POLICY, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const policy: Policy = parsed.policy;
  const config = parse(exportPolicy(policy, 'litellm', { file: 'policy.yaml', text: POLICY }).files.find((f) => f.path === 'config.yaml')!.content) as Config;

  it.each([
    ['prod-4o', 'aoai', 'prod-4o'],
    ['aoai/prod-4o', 'aoai', 'prod-4o'],
    ['llama-3-70b', 'work', 'llama-3-70b'],
    ['work/llama-3-70b', 'work', 'llama-3-70b'],
  ])('%s falls back where the proxy does', (requested, provider, model) => {
    expect(reached(config, requested)).toBe(`${provider}/${model}`);
    const proxy = fallbackTargets(model, provider, policy).map((t) => `${t.provider}/${t.model}`);
    expect(proxy.length).toBeGreaterThan(0);
    expect(fallbackGroups(config.router_settings.fallbacks ?? [], requested).map((g) => reached(config, g))).toEqual(proxy);
  });
});
