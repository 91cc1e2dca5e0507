/**
 * Anthropic's Messages API requires max_tokens, OpenAI clients seldom send it, so LiteLLM fills it
 * in for an `anthropic/…` deployment: AnthropicConfig.max_tokens, DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS
 * (4096 unless that variable is set; BerriAI/litellm litellm/llms/anthropic/chat/transformation.py
 * @ 005e5efa45f0; newer versions use the model's whole max_output_tokens, 64000 for Sonnet 4).
 * Tollgate's budgets assume `defaults.maxOutputTokens` for a request without a limit, so every Claude
 * deployment carries that number as its default max_tokens (a client's own max_tokens still wins:
 * the router passes the request's parameters over the deployment's), and no other deployment does.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { ConfigYAML } from './litellmSchema';

interface Deployment {
  model_name: string;
  litellm_params: { model: string; max_tokens?: number };
}

function modelList(text: string): Deployment[] {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const content = exportPolicy(parsed.policy, 'litellm', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.yaml')!.content;
  const config = parse(content) as { model_list: Deployment[] };
  expect(ConfigYAML.safeParse(config).error).toBeUndefined();
  return config.model_list;
}

const POLICY = `providers:
  bedrock-claude: { kind: anthropic, baseUrl: "https://claude.example.com", models: ["claude-*"] }
routing:
  tiers:
    openai: { small: gpt-4o-mini }
    anthropic: { small: claude-3-5-haiku-latest, large: claude-sonnet-4-5 }
fallbacks:
  - { from: gpt-4o, to: [anthropic/claude-sonnet-4-5] }
`;

describe('LiteLLM Claude deployments carry the policy output limit', () => {
  it.each([
    ['the default 4096', '', 4096],
    ['a set defaults.maxOutputTokens', 'defaults: { maxOutputTokens: 1500 }\n', 1500],
  ])('%s', (_name, extra, limit) => {
    const list = modelList(POLICY + extra);
    const claude = list.filter((d) => d.litellm_params.model.startsWith('anthropic/'));
    expect(claude.length).toBeGreaterThan(3);
    for (const d of claude) expect(d.litellm_params.max_tokens, d.model_name).toBe(limit);
    for (const d of list.filter((x) => !x.litellm_params.model.startsWith('anthropic/'))) expect(d.litellm_params.max_tokens, d.model_name).toBeUndefined();
  });
});
