/**
 * `providers.*.priceAs` prices calls to a provider's own model names (an Azure deployment
 * `prod-4o`) as a model genai-prices knows. No gateway reads Tollgate's mapping: Bifrost prices a call
 * by its own catalog under the name it sends, so a deployment name is charged nothing and budgets
 * see no spend for it, and Portkey's open-source gateway prices nothing. LiteLLM prices a deployment as its `model_info.base_model` when set
 * (`_select_model_name_for_cost_calc` in BerriAI/litellm litellm/cost_calculator.py; "Set 'base_model'
 * for Cost Tracking" in docs/my-website/docs/proxy/cost_tracking.md), so the export sets it on each
 * deployment of a name priceAs maps; every other case is warned at the field, with the gateway's own setting.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy, type ExportTarget } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { ConfigYAML } from './litellmSchema';

const text = `providers:
  aoai: { baseUrl: "https://contoso.openai.azure.com/openai", models: ["prod-4o", "dev-*"], priceAs: { prod-4o: gpt-4o-2024-08-06, "dev-*": gpt-4o-mini } }
fallbacks:
  - { from: prod-4o, to: [dev-eu] }
cache: { enabled: false }
`;

describe('priceAs is never dropped silently', () => {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));

  it('LiteLLM: each deployment of a name priceAs maps is priced as its target; a glob\'s other names are warned', () => {
    const out = exportPolicy(parsed.policy, 'litellm', { file: 'policy.yaml', text });
    const config = ConfigYAML.parse(parse(out.files.find((f) => f.path === 'config.yaml')?.content ?? '', { version: '1.1' }));
    const info = (name: string): unknown => config.model_list?.find((d) => d.model_name === name)?.model_info;
    expect(info('prod-4o')).toEqual({ base_model: 'azure/gpt-4o-2024-08-06' });
    expect(info('dev-eu')).toEqual({ base_model: 'azure/gpt-4o-mini' });
    // A wildcard deployment serves names of any price: it carries none.
    expect(info('dev-*')).toBeUndefined();
    const warned = out.warnings.filter((w) => w.field === 'providers.aoai.priceAs').map((w) => w.message);
    expect(warned).toEqual([expect.stringContaining('Tollgate prices dev-* as gpt-4o-mini (priceAs)')]);
    expect(warned[0]).toContain('model_info.base_model');
  });

  it("LiteLLM: a client naming the provider (aoai/prod-4o) reaches a deployment priced as prod-4o's target, not the unpriced aoai/* wildcard", () => {
    const out = exportPolicy(parsed.policy, 'litellm', { file: 'policy.yaml', text });
    const list = ConfigYAML.parse(parse(out.files.find((f) => f.path === 'config.yaml')?.content ?? '', { version: '1.1' })).model_list ?? [];
    // LiteLLM's router takes an exact model_name group before any wildcard (router.py; test/export/unseen/litellm-wildcards.test.ts).
    const reached = (name: string) => list.find((d) => d.model_name === name) ?? list.find((d) => d.model_name.endsWith('*') && name.startsWith(d.model_name.slice(0, -1)));
    expect(reached('aoai/prod-4o')).toMatchObject({ litellm_params: { model: 'azure/prod-4o' }, model_info: { base_model: 'azure/gpt-4o-2024-08-06' } });
    expect(reached('aoai/dev-eu')?.model_info).toEqual({ base_model: 'azure/gpt-4o-mini' });
  });

  // What each gateway charges such a call: Portkey's open-source gateway prices nothing; Bifrost prices by its model
  // catalog, where a deployment name is missing, unless a custom pricing override (docs.getbifrost.ai/providers/custom-pricing) sets one.
  it.each([
    ['portkey', 'charged nothing'],
    ['bifrost', 'charges nothing for a name its catalog lacks'],
    ['bifrost', '/api/governance/pricing-overrides'],
  ] as Array<[ExportTarget, string]>)('%s warns at providers.aoai.priceAs, saying "%s"', (target, says) => {
    const out = exportPolicy(parsed.policy, target, { file: 'policy.yaml', text });
    const warned = out.warnings.filter((w) => w.field === 'providers.aoai.priceAs').map((w) => w.message);
    expect(warned).toEqual([expect.stringContaining(says)]);
    expect(warned[0]).toContain('gpt-4o-2024-08-06');
  });
});
