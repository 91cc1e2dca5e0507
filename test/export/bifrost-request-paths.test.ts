/**
 * Bifrost's OpenAI-type custom provider appends `/v1/chat/completions` (and `/v1/embeddings`, …) to
 * its base_url, while Tollgate appends `/chat/completions` to the policy's base URL. OpenAI-compatible
 * APIs whose base URL does not end in `/v1` (Gemini's `…/v1beta/openai`, Vertex AI's
 * `…/endpoints/openapi`) got a base_url Bifrost turns into a path that does not exist (404 on every
 * request) and only a "check the path" warning. Bifrost's `custom_provider_config.request_path_overrides`
 * (core/schemas CustomProviderConfig: request type → path after the base URL) says the paths instead.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { exportProblems } from './generatedPolicySupport';

const text = `providers:
  gemini: { baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai", apiKeyEnv: GEMINI_API_KEY, models: ["gemini-*"] }
  vertex: { baseUrl: "https://us-central1-aiplatform.googleapis.com/v1/projects/p1/locations/us-central1/endpoints/openapi", apiKeyEnv: VERTEX_TOKEN, models: ["google/*"] }
  groq: { baseUrl: "https://api.groq.com/openai/v1", models: ["llama-*"] }
cache: { enabled: false }
`;

type Provider = { network_config: { base_url?: string }; custom_provider_config?: { request_path_overrides?: Record<string, string> } };

describe('Bifrost: custom OpenAI-type providers reach the paths Tollgate calls', () => {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const out = exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text });
  const providers = (JSON.parse(out.files.find((f) => f.path === 'config.json')?.content ?? '{}') as { providers: Record<string, Provider> }).providers;
  /** The URL Bifrost calls for a chat completion: base_url + the override, else + /v1/chat/completions. */
  const chatUrl = (p: Provider | undefined): string => `${p?.network_config.base_url}${p?.custom_provider_config?.request_path_overrides?.chat_completion ?? '/v1/chat/completions'}`;

  it.each([
    ['gemini-tollgate', 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions'],
    ['vertex-tollgate', 'https://us-central1-aiplatform.googleapis.com/v1/projects/p1/locations/us-central1/endpoints/openapi/chat/completions'],
    ['groq-tollgate', 'https://api.groq.com/openai/v1/chat/completions'],
  ])('%s: chat completions go to %s, as in Tollgate', (name, url) => {
    expect(chatUrl(providers[name])).toBe(url);
  });

  it('streaming chat and embeddings take the same base path', () => {
    const overrides = providers['gemini-tollgate']?.custom_provider_config?.request_path_overrides;
    expect(overrides).toMatchObject({ chat_completion_stream: '/chat/completions', embedding: '/embeddings' });
    // A /v1 base URL needs none: Bifrost's own paths already match.
    expect(providers['groq-tollgate']?.custom_provider_config?.request_path_overrides).toBeUndefined();
  });

  it('no "check the path" warning is left where the paths are exported', () => {
    expect(out.warnings.filter((w) => /check the path/.test(w.message))).toEqual([]);
  });

  it('passes the schema, stability and secret checks', () => expect(exportProblems(text)).toEqual([]));
});
