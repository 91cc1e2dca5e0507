/**
 * `providers.*.priceAs` prices calls to a provider's own model names (an Azure deployment
 * `prod-4o`) as a model genai-prices knows. No gateway reads Tollgate's mapping: each prices a call
 * by its own catalog under the name it sends, so a deployment name is unpriced there and budgets
 * see no spend for it. Every target says so at the field, with the gateway's own setting.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy, type ExportTarget } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const text = `providers:
  aoai: { baseUrl: "https://contoso.openai.azure.com/openai", models: ["prod-4o"], priceAs: { prod-4o: gpt-4o-2024-08-06 } }
cache: { enabled: false }
`;

describe('priceAs is never dropped silently', () => {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  it.each([
    ['litellm', 'model_info.base_model'],
    ['portkey', 'prod-4o'],
    ['bifrost', 'model_name'],
  ] as Array<[ExportTarget, string]>)('%s warns at providers.aoai.priceAs, naming %s', (target, says) => {
    const out = exportPolicy(parsed.policy, target, { file: 'policy.yaml', text });
    const warned = out.warnings.filter((w) => w.field === 'providers.aoai.priceAs').map((w) => w.message);
    expect(warned).toEqual([expect.stringContaining(says)]);
    expect(warned[0]).toContain('gpt-4o-2024-08-06');
  });
});
