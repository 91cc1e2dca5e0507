/**
 * A model genai-prices cannot price is warned about for what is sure — Tollgate has no price, so a
 * usd budget counts its calls as $0 — not as a name "the API will likely refuse" (a dated snapshot
 * newer than the price list is served all the same), with the priceAs line that prices it.
 */
import { expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { locatedWarnings } from '../../proxy/src/policy/warnings';

it('a dated snapshot is priced as its model with priceAs; a name with no near model says so', () => {
  const text = 'routing:\n  tiers:\n    openai: { small: gpt-4o-mini-2024-01-01, large: totally-new-model }\n';
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(r.problems[0]?.message);
  const messages = locatedWarnings(r.policy, text, 'policy.yaml').map((w) => w.message);
  expect(messages).toEqual([
    '"gpt-4o-mini-2024-01-01" has no price in Tollgate (genai-prices does not list it for OpenAI), so usd budgets count its calls as $0: did you mean "gpt-4o-mini"? If OpenAI serves this name (an alias or a dated snapshot), price it as that model with providers.openai.priceAs: { "gpt-4o-mini-2024-01-01": "gpt-4o-mini" }',
    '"totally-new-model" has no price in Tollgate (genai-prices does not list it for OpenAI), so usd budgets count its calls as $0: check the name, or price it as a known model with providers.openai.priceAs: { "totally-new-model": "<a model genai-prices prices>" }',
  ]);
  expect(messages.join('\n')).not.toMatch(/refuse/);
});
