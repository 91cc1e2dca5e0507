/**
 * Model globs of two providers that overlap. Tollgate sends a model both match to the first provider
 * in its order (openai, anthropic, then the policy's providers as written: providers/index.ts
 * chooseProvider). The exports list providers by name, LiteLLM tries its wildcards longest first
 * (BerriAI/litellm router_utils/pattern_match_deployments.py: sorted by escaped-regex length, then
 * regex characters, `re.match` from the start; transcribed below, no code copied) and Portkey takes
 * the first condition that matches. For every name the globs stand for: Portkey and LiteLLM's exact
 * model groups must pick Tollgate's provider; a LiteLLM wildcard that picks another must be warned on
 * the glob that wins there, naming both patterns.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { globsOverlap } from '../../proxy/src/export/globOverlap';
import { azureResource } from '../../proxy/src/export/shared';
import { parsePolicy } from '../../proxy/src/policy/load';
import { type Policy, type ResolvedProvider, resolveProviders } from '../../proxy/src/policy/schema';
import { chooseProvider } from '../../proxy/src/providers';
import { globMatch } from '../../proxy/src/routing/glob';

const POLICIES: Record<string, string> = {
  // OpenRouter for experimental gpt-4o variants, OpenAI for the rest: openai comes first in Tollgate.
  'openai before a more specific OpenRouter glob': `providers:
  openai: { models: ["gpt-*", "o*"] }
  openrouter: { kind: openai, baseUrl: "https://openrouter.ai/api/v1", models: ["gpt-4o-*", "meta-llama/*"] }
`,
  // Written with azure first, as a team would: Tollgate still tries openai's globs first.
  'azure declared before openai': `providers:
  azure: { kind: openai, baseUrl: "https://contoso.openai.azure.com/openai/v1", authHeader: api-key, models: ["gpt-4o", "gpt-4o-2024-*"] }
  openai: { models: ["gpt-*"] }
`,
  // Two custom providers whose declared order is the reverse of their names' order.
  'zeta declared before alpha': `providers:
  zeta: { kind: openai, baseUrl: "https://zeta.example.com/v1", models: ["llama-*"] }
  alpha: { kind: openai, baseUrl: "https://alpha.example.com/v1", models: ["llama-3*", "mixtral-*"] }
`,
  'one glob on two providers': `providers:
  groq: { kind: openai, baseUrl: "https://api.groq.com/openai/v1", models: ["llama-*"] }
  together: { kind: openai, baseUrl: "https://api.together.xyz/v1", models: ["llama-*"] }
`,
};

function parsed(text: string): Policy {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

/** Names the globs stand for: every pairwise overlap (with text for each star) and each glob alone. */
function samples(policy: Policy): string[] {
  const globs = [...resolveProviders(policy).values()].flatMap((p) => p.models);
  const out = new Set<string>();
  for (const a of globs) {
    out.add(a.replaceAll('*', 'x').replaceAll('?', '3'));
    for (const b of globs) {
      const w = globsOverlap(a, b.replaceAll('*', 'q*'));
      if (w) out.add(w);
    }
  }
  return [...out];
}

// --- Portkey: the default strategy's conditions, evaluated as the gateway does (first match wins) ---
type Query = { [key: string]: unknown };
function matches(q: Query, req: { model: string; path: string }): boolean {
  return Object.entries(q).every(([k, v]) => {
    if (k === '$and') return (v as Query[]).every((x) => matches(x, req));
    const value = k === 'params.model' ? req.model : k === 'url.pathname' ? req.path : undefined;
    const op = v as { $eq?: string; $ne?: string; $regex?: string };
    if (op.$eq !== undefined) return value === op.$eq;
    if (op.$ne !== undefined) return value !== op.$ne;
    if (op.$regex !== undefined) return value !== undefined && new RegExp(op.$regex).test(value);
    throw new Error(`operator not modelled: ${JSON.stringify(v)}`);
  });
}
type Target = { name: string; custom_host?: string; resource_name?: string; provider?: string; strategy?: { conditions: Array<{ query: Query; then: string }>; default: string }; targets?: Target[] };
function portkeyBase(config: Target, model: string): string | undefined {
  let node: Target = config;
  while (node.strategy) {
    const then = node.strategy.conditions.find((c) => matches(c.query, { model, path: '/v1/chat/completions' }))?.then ?? node.strategy.default;
    const next = node.targets?.find((t) => t.name === then);
    if (!next) return undefined;
    node = next;
  }
  if (node.provider === 'azure-openai') return `azure:${node.resource_name ?? node.custom_host}`;
  return node.custom_host ?? (node.provider === 'openai' ? 'https://api.openai.com/v1' : undefined);
}

// --- LiteLLM: exact groups first, then wildcards by specificity, start-anchored ---
interface Deployment {
  model_name: string;
  litellm_params: { api_base: string };
}
const PY_SPECIAL = /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g;
const regexOf = (name: string): string => name.replace(PY_SPECIAL, '\\$&').replaceAll('\\*', '(.*)');
const complexity = (r: string): number => (r.match(/[*+?\\^$|()]/g) ?? []).length;
/** The deployments LiteLLM may send a name to: an exact group, else every deployment of the first matching pattern (one group, load-balanced). */
function litellmDeployments(list: Deployment[], name: string): Deployment[] {
  const exact = list.filter((d) => d.model_name === name);
  if (exact.length > 0) return exact;
  const patterns = list
    .filter((d) => d.model_name.includes('*'))
    .map((d, i) => ({ d, i, r: regexOf(d.model_name) }))
    .sort((a, b) => b.r.length - a.r.length || complexity(b.r) - complexity(a.r) || a.i - b.i);
  const first = patterns.find((p) => new RegExp(`^(?:${p.r})`, 's').test(name));
  return first ? patterns.filter((p) => p.r === first.r).map((p) => p.d) : [];
}

/** Where each export sends a provider's requests: an Azure resource by its endpoint (Portkey: resource name). */
const litellmOf = (p: ResolvedProvider): string => azureResource(p)?.endpoint ?? p.baseUrl;
const portkeyOf = (p: ResolvedProvider): string => {
  const azure = azureResource(p);
  return azure ? `azure:${azure.resourceName ?? `${azure.endpoint}/openai`}` : p.baseUrl;
};

describe('overlapping model globs: the exports pick Tollgate’s provider, or warn', () => {
  it.each(Object.entries(POLICIES))('%s', (_title, text) => {
    const policy = parsed(text);
    const providers = resolveProviders(policy);
    const portkey = JSON.parse(exportPolicy(policy, 'portkey', { file: 'policy.yaml', text }).files[0]!.content) as Target;
    const lite = exportPolicy(policy, 'litellm', { file: 'policy.yaml', text });
    const list = (parse(lite.files.find((f) => f.path === 'config.yaml')!.content) as { model_list: Deployment[] }).model_list;
    let differed = 0;
    for (const name of samples(policy)) {
      const choice = chooseProvider(providers, 'openai', name, undefined);
      if ('error' in choice) throw new Error(choice.error);
      const tollgate = choice.provider;
      expect(portkeyBase(portkey, name), `Portkey for ${name}`).toBe(portkeyOf(tollgate));
      for (const d of litellmDeployments(list, name)) {
        if (d.litellm_params.api_base === litellmOf(tollgate)) continue;
        differed++;
        // Where LiteLLM differs, it is a wildcard of a later provider, and the warning names both globs.
        const winner = [...providers.values()].find((p) => litellmOf(p) === d.litellm_params.api_base)!;
        const loser = tollgate.models.find((g) => globMatch(g, name));
        expect(d.model_name.includes('*'), `${name} reached ${winner.name} through exact group ${d.model_name}`).toBe(true);
        const warning = lite.warnings.find((w) => w.field === `providers.${winner.name}.models[${winner.models.indexOf(d.model_name)}]` && w.message.includes(`"${loser}"`));
        expect(warning?.message, `${name}: LiteLLM → ${winner.name} (${d.model_name}), Tollgate → ${tollgate.name} (${loser}), not warned`).toContain(`"${d.model_name}"`);
      }
    }
    // Each of these policies has names LiteLLM sends elsewhere: the check above did run.
    expect(differed).toBeGreaterThan(0);
  });

  it('a named model goes to Tollgate’s provider in every export (azure declared first, openai’s glob wins)', () => {
    const text = POLICIES['azure declared before openai']!;
    const policy = parsed(text);
    const list = (parse(exportPolicy(policy, 'litellm', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.yaml')!.content) as { model_list: Deployment[] }).model_list;
    expect(list.find((d) => d.model_name === 'gpt-4o')?.litellm_params.api_base).toBe('https://api.openai.com/v1');
  });

  it('does not warn about globs that do not overlap', () => {
    const text = 'providers:\n  openai: { models: ["gpt-*"] }\n  mistral: { kind: openai, baseUrl: "https://api.mistral.ai/v1", models: ["mistral-*", "codestral-*"] }\n';
    const warnings = exportPolicy(parsed(text), 'litellm', { file: 'policy.yaml', text }).warnings;
    expect(warnings.filter((w) => w.message.includes('more specific wildcard') || w.message.includes('load-balances'))).toEqual([]);
  });
});
