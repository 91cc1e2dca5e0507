/** Turns the model spellings prompt formats use into ids genai-prices and the tokenizer understand. */
import { modelPrices } from '../cost/model-prices';

/**
 * promptfoo provider prefixes (`openai:chat:`, `anthropic:messages:`, `bedrock:`, `vertex:`,
 * `ollama:chat:`…): the provider, then an optional API mode. Only these are stripped — a colon
 * inside the model id itself (`llama3.1:8b`, Bedrock's `-v2:0`, `ft:` fine-tunes) is kept.
 */
const PROVIDER_PREFIXES = new Set([
  'openai',
  'azure',
  'azureopenai',
  'anthropic',
  'bedrock',
  'vertex',
  'google',
  // Pydantic AI's Gemini API and Vertex AI providers (`google-gla:gemini-2.0-flash`).
  'google-gla',
  'google-vertex',
  'gemini',
  'ollama',
  'groq',
  'mistral',
  'openrouter',
  'together',
  'togetherai',
  'fireworks',
  'deepseek',
  'xai',
  'perplexity',
  'cohere',
  'huggingface',
  'replicate',
  'litellm',
  'vllm',
  'localai',
  'llama',
  'github',
  'cerebras',
  'databricks',
  'watsonx',
  'ai21',
  'hyperbolic',
  'lambdalabs',
  'cloudflare-ai',
  'portkey',
  'helicone',
  'voyage',
  'alibaba',
  'nscale',
  'sambanova',
]);
const API_MODES = new Set(['chat', 'completion', 'completions', 'messages', 'responses', 'assistant', 'realtime', 'text-generation', 'converse', 'invoke']);

/** Bedrock ids: `us.anthropic.claude-3-5-sonnet-20240620-v1:0` → region, vendor, model, version. */
const BEDROCK_REGION = /^(?:us|eu|apac|ap|ca|jp|au|us-gov|global)\./;
const BEDROCK_VENDOR = /^(?:anthropic|meta|mistral|amazon|cohere|ai21|deepseek|writer|qwen|openai|twelvelabs|stability|luma)\./;

function stripProviderPrefix(id: string): string {
  let m = id;
  for (;;) {
    const c = m.indexOf(':');
    if (c <= 0) return m;
    const head = m.slice(0, c).toLowerCase();
    if (!PROVIDER_PREFIXES.has(head) && !API_MODES.has(head)) return m;
    m = m.slice(c + 1);
  }
}

/**
 * "openai/gpt-4o-mini" → "gpt-4o-mini"; "openai:chat:gpt-4o" → "gpt-4o"; "GPT-4.1 (copilot)" → "gpt-4.1";
 * "openai:chat:ft:gpt-4o-mini-2024-07-18:acme::9ABC" → "ft:gpt-4o-mini-2024-07-18:acme::9abc" (a
 * fine-tune keeps its id: OpenAI charges fine-tuned inference more than the base model, and the
 * pricing knows those rates; its tokenizer and output limit are the base model's);
 * "bedrock:us.anthropic.claude-3-5-sonnet-20240620-v1:0" → "claude-3-5-sonnet-20240620";
 * "us.amazon.nova-lite-v1:0" → "amazon.nova-lite-v1:0" (priced under that id);
 * "ollama:chat:llama3.1:8b" → "llama3.1:8b"; Vertex's "claude-3-5-sonnet-v2@20241022" →
 * "claude-3-5-sonnet-20241022"; the AI Gateway's "anthropic/claude-sonnet-4.5" → "claude-sonnet-4-5".
 */
export function normaliseModelName(raw: string): string {
  let m = raw.trim().replace(/\s*\([^)]*\)\s*$/, '');
  m = stripProviderPrefix(m);
  // litellm / GitHub Models / OpenRouter paths: `bedrock/…`, `openrouter/anthropic/claude-…`, `models/gemini-…`.
  if (m.includes('/')) m = stripProviderPrefix(m.slice(m.lastIndexOf('/') + 1));
  // Bedrock model ids: drop the cross-region profile, vendor and version suffix.
  const bedrock = m.replace(BEDROCK_REGION, '');
  // genai-prices prices Anthropic's models by their own name, the others Bedrock serves (Nova, Titan,
  // Llama, Mistral, DeepSeek…) only by Bedrock's id, at Bedrock's rate: keep that id for those.
  if (BEDROCK_VENDOR.test(bedrock) && !bedrock.startsWith('anthropic.') && modelPrices(bedrock.toLowerCase())) m = bedrock;
  else if (BEDROCK_VENDOR.test(bedrock)) {
    const bare = bedrock.replace(BEDROCK_VENDOR, '');
    const unversioned = bare.replace(/-v\d+(?::\d+)?$/, '');
    // `anthropic.claude-v2:1` names the model by its version: keep it.
    m = /\d/.test(unversioned) ? unversioned : bare;
  }
  m = m.toLowerCase().replace(/\s+/g, '-');
  // Vertex AI names a partner model's version after `@` (`claude-3-5-sonnet-v2@20241022`,
  // `mistral-large@2407`): the maker's id has it after a hyphen, without Vertex's `-v2`.
  m = m.replace(/(?:-v\d+)?@(\d+)$/, '-$1');
  // Vercel's AI Gateway and OpenRouter write Claude 3.5+ versions with a dot (`claude-sonnet-4.5`,
  // `claude-3.5-sonnet`); Anthropic's ids have a hyphen (claude-2.1 and claude-instant-1.2 keep theirs).
  return m.replace(/^(claude-\d)\.(\d-)/, '$1-$2').replace(/^(claude-(?:opus|sonnet|haiku)-\d)\.(\d)/, '$1-$2');
}
