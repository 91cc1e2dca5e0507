/**
 * `providers.*.priceAs` prices calls to a provider's own model names (an Azure deployment
 * `prod-4o`) as a model genai-prices knows. No gateway reads Tollgate's mapping: each prices a call
 * by its own catalog under the name it sends, so a deployment name is unpriced there and budgets
 * see no spend for it. LiteLLM prices a deployment as its `model_info.base_model` when set
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
    expect(warned).toEqual([expect.stringContaining('(dev-* as gpt-4o-mini)')]);
    expect(warned[0]).toContain('model_info.base_model');
  });

  it.each([
    ['portkey', 'prod-4o'],
    ['bifrost', 'model_name'],
  ] as Array<[ExportTarget, string]>)('%s warns at providers.aoai.priceAs, naming %s', (target, says) => {
    const out = exportPolicy(parsed.policy, target, { file: 'policy.yaml', text });
    const warned = out.warnings.filter((w) => w.field === 'providers.aoai.priceAs').map((w) => w.message);
    expect(warned).toEqual([expect.stringContaining(says)]);
    expect(warned[0]).toContain('gpt-4o-2024-08-06');
  });
});
