/**
 * LiteLLM wildcard deployments, checked by how LiteLLM's router matches them: its PatternMatchRouter
 * (BerriAI/litellm litellm/router_utils/pattern_match_deployments.py @ 069528a) escapes the model
 * name, turns each `*` into `(.*)`, tries the patterns longest first and `re.match`es them (anchored
 * at the start only), then fills the deployment's `*`s with the captured text. Transcribed below
 * (no code copied). For the model globs teams write, every name a glob stands for must reach the
 * provider Tollgate picks with the model Tollgate sends, or the export must warn on that glob.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';
import { resolveProviders } from '../../../proxy/src/policy/schema';
import { chooseProvider } from '../../../proxy/src/providers';

interface Deployment {
  model_name: string;
  litellm_params: { model: string; api_base?: string };
}

// Characters Python's re.escape escapes (3.7+): they lengthen the pattern, which orders the patterns.
const PY_SPECIAL = /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g;
const pyEscape = (s: string): string => s.replace(PY_SPECIAL, '\\$&');

/** LiteLLM's wildcard lookup for a requested name: the deployment and the model it is sent as. */
function litellmRoute(list: Deployment[], name: string): { apiBase?: string; model: string } | undefined {
  const exact = list.find((d) => d.model_name === name);
  if (exact) return { apiBase: exact.litellm_params.api_base, model: exact.litellm_params.model };
  const patterns = list
    .filter((d) => d.model_name.includes('*'))
    .map((d) => ({ d, regex: pyEscape(d.model_name).replaceAll('\\*', '(.*)') }))
    .sort((a, b) => b.regex.length - a.regex.length || count(b.regex) - count(a.regex));
  for (const { d, regex } of patterns) {
    const m = new RegExp(`^(?:${regex})`, 's').exec(name); // re.match: start-anchored only
    if (!m) continue;
    const groups = m.slice(1);
    let model = d.litellm_params.model;
    if (groups.length > (model.match(/\*/g)?.length ?? 0)) model = name;
    else for (const g of groups) model = model.replace('*', g);
    return { apiBase: d.litellm_params.api_base, model };
  }
  return undefined;
}
const count = (r: string): number => (r.match(/[*+?\\^$|()]/g) ?? []).length;

/** Names a glob stands for, plus longer ones it must not take. */
function samples(glob: string): string[] {
  const fill = (s: string) => glob.replaceAll('*', s).replaceAll('?', '3');
  return [fill('x'), fill('4o-2024'), `${fill('x')}-2`, `${fill('x')}:latest`];
}

const POLICIES: Record<string, string> = {
  'prefix globs (mistral, bedrock ids)': `providers:
  mistral: { kind: openai, baseUrl: "https://api.mistral.ai/v1", models: ["mistral-*", "open-mixtral-*"] }
  bedrock: { kind: openai, baseUrl: "https://bedrock-gw.example.com/api/v1", models: ["anthropic.claude-*", "meta.llama3-*"] }
`,
  'suffix and middle globs': `providers:
  together: { kind: openai, baseUrl: "https://api.together.xyz/v1", models: ["*-Instruct-Turbo", "meta-llama/*"] }
  local: { kind: openai, baseUrl: "https://llm.example.com/v1", models: ["qwen2.5-*-instruct"] }
`,
  'single-character wildcards': `providers:
  azure: { kind: openai, baseUrl: "https://my.openai.azure.com/openai/v1", models: ["o?-mini", "gpt-4?"] }
`,
};

describe('LiteLLM wildcard deployments route like Tollgate, or warn', () => {
  it.each(Object.entries(POLICIES))('%s', (_title, text) => {
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const result = exportPolicy(parsed.policy, 'litellm', { file: 'policy.yaml', text });
    const list = (parse(result.files.find((f) => f.path === 'config.yaml')?.content ?? '') as { model_list: Deployment[] }).model_list;
    const providers = resolveProviders(parsed.policy);
    let compared = 0;
    for (const p of providers.values())
      p.models.forEach((glob, i) => {
        const warned = result.warnings.some((w) => w.field === `providers.${p.name}.models[${i}]`);
        for (const name of samples(glob)) {
          const tollgate = chooseProvider(providers, 'openai', name, undefined);
          if ('error' in tollgate) throw new Error(tollgate.error);
          const gateway = litellmRoute(list, name);
          // Names no wildcard takes go through LiteLLM's provider guess (openai/* here), as in Tollgate's default.
          const same = gateway === undefined ? tollgate.provider.name === 'openai' : gateway.apiBase === tollgate.provider.baseUrl && gateway.model === `openai/${tollgate.model}`;
          compared++;
          if (!same) expect(warned, `${name}: LiteLLM ${JSON.stringify(gateway)} vs Tollgate ${tollgate.provider.name}/${tollgate.model}, glob ${glob} not warned`).toBe(true);
        }
      });
    expect(compared).toBeGreaterThan(0);
  });

  it('a glob starting with a provider name leaves those names to that provider, as Tollgate does (no shared group)', () => {
    // OpenRouter names models "anthropic/claude-3.5-sonnet"; Tollgate reads "anthropic/" as the
    // provider prefix, so such a glob on openrouter never applies. Two deployments named
    // "anthropic/*" would be one LiteLLM group, load-balanced between Anthropic and OpenRouter.
    const text = `providers:
  openrouter: { kind: openai, baseUrl: "https://openrouter.ai/api/v1", models: ["anthropic/*", "openrouter/*", "meta-llama/*"] }
`;
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const result = exportPolicy(parsed.policy, 'litellm', { file: 'policy.yaml', text });
    const list = (parse(result.files.find((f) => f.path === 'config.yaml')?.content ?? '') as { model_list: Deployment[] }).model_list;
    const targets = new Map<string, Set<string>>();
    for (const d of list) targets.set(d.model_name, (targets.get(d.model_name) ?? new Set()).add(`${d.litellm_params.api_base} ${d.litellm_params.model}`));
    for (const [name, t] of targets) expect([...t], `group ${name}`).toHaveLength(1);
    const providers = resolveProviders(parsed.policy);
    for (const name of ['anthropic/claude-3-5-sonnet', 'openrouter/auto', 'meta-llama/llama-3.3-70b-instruct']) {
      const tollgate = chooseProvider(providers, 'openai', name, undefined);
      if ('error' in tollgate) throw new Error(tollgate.error);
      const gateway = litellmRoute(list, name);
      const prefix = tollgate.provider.kind === 'anthropic' ? 'anthropic' : 'openai';
      expect(gateway, name).toEqual({ apiBase: tollgate.provider.baseUrl, model: `${prefix}/${tollgate.model}` });
    }
    for (const i of [0, 1]) expect(result.warnings.find((w) => w.field === `providers.openrouter.models[${i}]`)?.message).toMatch(/prefix/);
    expect(result.warnings.some((w) => w.field === 'providers.openrouter.models[2]')).toBe(false);
  });

  it('does not export a "?" glob LiteLLM would read literally', () => {
    const text = POLICIES['single-character wildcards'] as string;
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error('invalid');
    const config = exportPolicy(parsed.policy, 'litellm', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.yaml')?.content ?? '';
    const names = (parse(config) as { model_list: Deployment[] }).model_list.map((d) => d.model_name);
    expect(names).not.toContain('o?-mini');
    expect(names).toContain('azure/*');
  });
});
