/**
 * One reading of a provider's model id (tokens/modelName.ts) for the tokenizer, the price list,
 * the output-limit catalogue and the lint's model names. Each id below is spelled as its provider,
 * gateway or framework documents it:
 * - OpenAI model ids and fine-tunes (platform.openai.com/docs/models, /docs/guides/fine-tuning);
 * - Azure deployments through LiteLLM (`azure/…`) and LangChain (`azure_openai:…`);
 * - Bedrock model and inference-profile ids and ARNs (docs.aws.amazon.com/bedrock/latest/userguide/
 *   models-supported.html, inference-profiles-support.html);
 * - Vertex AI partner models `name@version` and publisher resource names (cloud.google.com/vertex-ai/
 *   generative-ai/docs/partner-models/use-claude);
 * - OpenRouter `vendor/model` and its variants (openrouter.ai/docs/guides/routing/model-variants);
 * - LiteLLM's `provider/model` (docs.litellm.ai/docs/providers); Groq, Together, Ollama tags;
 * - pydantic-ai `provider:model` (ai.pydantic.dev/models) and LangChain init_chat_model
 *   `provider:model` (python.langchain.com, reference init_chat_model); promptfoo `openai:chat:…`.
 */
import { describe, expect, it } from 'vitest';
import { maxOutputTokens } from '../../proxy/src/analysis/cost/max-output';
import { normaliseModelName } from '../../proxy/src/analysis/prompt/model-names';
import { priceCall } from '../../proxy/src/pricing/price';
import { modelOwnName } from '../../proxy/src/tokens/modelName';
import { encodingForModel } from '../../proxy/src/tokens/models';

/** [the id as written, the model's own name] */
const IDS: ReadonlyArray<readonly [string, string]> = [
  // OpenAI
  ['gpt-4o', 'gpt-4o'],
  ['gpt-4o-2024-08-06', 'gpt-4o-2024-08-06'],
  ['ft:gpt-4o-mini-2024-07-18:acme::9ABC', 'gpt-4o-mini-2024-07-18'],
  ['gpt-3.5-turbo:ft-acme-2023-08-01', 'gpt-3.5-turbo'],
  // Azure
  ['azure/gpt-4o', 'gpt-4o'],
  ['azure:gpt-4', 'gpt-4'],
  ['azure_openai:gpt-4o-mini', 'gpt-4o-mini'],
  // Anthropic, directly and through gateways
  ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929'],
  ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
  ['anthropic:claude-3-5-haiku-latest', 'claude-3-5-haiku-latest'],
  ['claude-2.1', 'claude-2.1'],
  // Bedrock: region, vendor, version; a LiteLLM or LangChain prefix; an inference-profile ARN
  ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku-20240307'],
  ['us.anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
  ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929'],
  ['bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet-20250219'],
  ['bedrock_converse:anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet-20240620'],
  ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4-20250514'],
  ['openai.gpt-oss-120b-1:0', 'gpt-oss-120b'],
  ['meta.llama3-1-70b-instruct-v1:0', 'llama3-1-70b-instruct'],
  ['anthropic.claude-v2:1', 'claude-v2:1'],
  // Vertex AI
  ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet-20241022'],
  ['vertex_ai/claude-3-7-sonnet@20250219', 'claude-3-7-sonnet-20250219'],
  ['vertex_ai/gemini-2.5-pro', 'gemini-2.5-pro'],
  ['publishers/google/models/gemini-2.5-pro', 'gemini-2.5-pro'],
  ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
  ['google-gla:gemini-2.0-flash', 'gemini-2.0-flash'],
  ['google_genai:gemini-2.5-flash', 'gemini-2.5-flash'],
  // OpenRouter and its variants
  ['openrouter/anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
  ['openai/gpt-4o:nitro', 'gpt-4o'],
  ['anthropic/claude-3.7-sonnet:thinking', 'claude-3-7-sonnet'],
  ['meta-llama/llama-3.3-70b-instruct:free', 'llama-3.3-70b-instruct'],
  // Groq, Together
  ['groq:llama-3.3-70b-versatile', 'llama-3.3-70b-versatile'],
  ['together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'llama-3.3-70b-instruct-turbo'],
  // Ollama: a size is another model; `:latest` and a bare provider word are not
  ['llama3.1:8b', 'llama3.1:8b'],
  ['ollama/llama3.1:8b', 'llama3.1:8b'],
  ['ollama:qwen2.5:7b', 'qwen2.5:7b'],
  ['gpt-oss:20b', 'gpt-oss:20b'],
  ['mistral:latest', 'mistral'],
  ['mistral:instruct', 'mistral:instruct'],
  // pydantic-ai, LangChain, promptfoo
  ['openai:gpt-4o', 'gpt-4o'],
  ['openai:chat:gpt-4o', 'gpt-4o'],
  ['openai:responses:gpt-4.1', 'gpt-4.1'],
  ['mistralai:mistral-large-latest', 'mistral-large-latest'],
  ['deepseek:deepseek-reasoner', 'deepseek-reasoner'],
];

describe('modelOwnName', () => {
  it.each(IDS)('%s → %s', (id, own) => {
    expect(modelOwnName(id)).toBe(own);
  });
});

describe('every consumer reads the id as its model', () => {
  /**
   * Ids of a model the catalogues and genai-prices know under its own name (not an Ollama tag, a
   * `:free` variant, a fine-tune at its own rate, gpt-oss or a Llama: no output limit in the catalogues).
   */
  const known = IDS.filter(([id, own]) => id !== own && !/:|llama|gpt-oss|claude-v2|^mistral$/.test(own) && !/:free$|:ft-|^ft:/.test(id));

  it.each(known)('%s: tokenized, limited and priced as %s', (id, own) => {
    expect(encodingForModel(id)).toEqual(encodingForModel(own));
    expect(maxOutputTokens(id)).toBe(maxOutputTokens(own));
    expect(maxOutputTokens(own)).toBeGreaterThan(0);
    const usage = { inputTokens: 1_000, outputTokens: 1_000 };
    const p = priceCall(id, usage);
    expect(p.priced).toBe(true);
    // Bedrock's own rates may differ from the maker's; every other id costs what its model costs.
    if (!/bedrock|anthropic\.|arn:/.test(id)) expect(p.totalUsd).toBeCloseTo(priceCall(own, usage).totalUsd, 12);
  });

  it('a framework prefix is priced under the provider it names (Groq serves its own models)', () => {
    const usage = { inputTokens: 1_000, outputTokens: 1_000 };
    const groq = priceCall('groq:llama-3.3-70b-versatile', usage);
    expect(groq.priced).toBe(true);
    expect(groq.totalUsd).toBeCloseTo(priceCall('llama-3.3-70b-versatile', usage, 'groq').totalUsd, 12);
  });

  it('an OpenRouter :free variant or a fine-tune without a rate of its own is not billed as the paid base model', () => {
    const usage = { inputTokens: 1_000, outputTokens: 1_000 };
    expect(priceCall('openrouter/openai/gpt-4:free', usage).priced).toBe(false);
    expect(normaliseModelName('openrouter/openai/gpt-4:free')).toBe('gpt-4:free');
    expect(priceCall('ft:gpt-4.1-2025-04-14:acme::x1', usage).priced).toBe(false);
  });

  it('the lint reads framework prefixes and Ollama tags the same way', () => {
    expect(normaliseModelName('azure_openai:gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(normaliseModelName('google_vertexai:gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(normaliseModelName('mistral:latest')).toBe('mistral');
    expect(normaliseModelName('mistral:7b')).toBe('mistral:7b');
    // Bedrock's other vendors keep Bedrock's id, the one genai-prices prices them under.
    expect(normaliseModelName('us.amazon.nova-lite-v1:0')).toBe('amazon.nova-lite-v1:0');
  });
});
