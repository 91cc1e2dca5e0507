/**
 * A model's own name inside the ids providers, gateways and frameworks write around it, so that
 * the tokenizer, the price list and the output-limit catalogue all see the same model. Pure.
 */

/**
 * What may follow a model after a colon and is no model of its own: a version (Bedrock `:0`), an
 * Ollama size or tag (`:20b`, `:instruct`), `:latest`, a legacy fine-tune (`:ft-acme-…`), an
 * OpenRouter variant. A word before a colon is a provider or an API mode only when no tag follows.
 */
const TAG = /^(?:\d|ft-|(?:latest|instruct|text|code|chat|vision|python|cloud|free|beta|nitro|floor|exacto|online|thinking|extended)$)/;

/** Tags that name the same model: `:latest` and OpenRouter's variants (openrouter.ai/docs/guides/routing/model-variants). */
const SAME_MODEL_TAG = /:(?:latest|free|beta|nitro|floor|exacto|online|thinking|extended)$/;

/** A Bedrock id's cross-region profile (`us.`, `global.`) and vendor (`anthropic.`), written before the model (docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html). */
const BEDROCK_REGION = /^(?:us|eu|apac|ap|ca|jp|au|us-gov|global)\./;
const BEDROCK_VENDOR = /^(?:amazon|anthropic|ai21|cohere|deepseek|google|luma|meta|mistral|nvidia|openai|qwen|stability|twelvelabs|writer)\./;

/**
 * The base model of an OpenAI fine-tune id — `ft:gpt-4o-mini-2024-07-18:org::abc` (current) or
 * `gpt-3.5-turbo:ft-org-2023-08-01` (legacy) — else undefined.
 */
export function fineTuneBase(model: string): string | undefined {
  return (/^ft:([^:]+):/i.exec(model) ?? /^([^:]+):ft-/i.exec(model))?.[1];
}

/**
 * The id without what names where it is served: the path before the last `/` (LiteLLM's
 * `vertex_ai/`, OpenRouter's `anthropic/`, a Bedrock ARN, a Vertex `publishers/…/models/`) and
 * provider or API-mode words before a colon (pydantic-ai and LangChain `openai:gpt-4o`,
 * `azure_openai:…`, promptfoo `openai:chat:…`). Case is kept: some price lists key ids by it.
 */
export function withoutProvider(id: string): string {
  let m = id.trim().slice(id.trim().lastIndexOf('/') + 1);
  for (;;) {
    const c = m.indexOf(':');
    const head = m.slice(0, c).toLowerCase();
    const rest = m.slice(c + 1);
    // `ft:` starts a fine-tune id; `gpt-oss:20b`, `mistral:latest` are an Ollama model and its tag.
    if (c <= 0 || head === 'ft' || !/^[a-z][a-z_-]*$/.test(head) || TAG.test(rest.toLowerCase())) return m;
    m = rest;
  }
}

/** A Bedrock model id without its cross-region profile (`amazon.nova-lite-v1:0`), else undefined. */
export function bedrockModelId(id: string): string | undefined {
  const m = withoutProvider(id).toLowerCase().replace(BEDROCK_REGION, '');
  return BEDROCK_VENDOR.test(m) ? m : undefined;
}

/**
 * The model's own name, lower case: `openai:gpt-4o` → `gpt-4o`; `ft:gpt-4o-mini-2024-07-18:acme::x`
 * → `gpt-4o-mini-2024-07-18` (a fine-tune tokenizes and replies as its base);
 * `us.anthropic.claude-3-5-sonnet-20240620-v1:0` → `claude-3-5-sonnet-20240620`;
 * `openai.gpt-oss-120b-1:0` → `gpt-oss-120b`; Vertex's `claude-3-5-sonnet-v2@20241022` →
 * `claude-3-5-sonnet-20241022`; `anthropic/claude-sonnet-4.5` → `claude-sonnet-4-5`;
 * `openai/gpt-4o:nitro` → `gpt-4o`. An Ollama size stays (`llama3.1:8b`): it is another model.
 */
export function modelOwnName(id: string): string {
  const m = withoutProvider(id).toLowerCase().replace(/\s+/g, '-');
  const base = fineTuneBase(m);
  if (base) return base;
  let name = m.replace(SAME_MODEL_TAG, '');
  const bedrock = bedrockModelId(name);
  if (bedrock) {
    const bare = bedrock.replace(BEDROCK_VENDOR, '');
    const unversioned = bare.replace(/-(?:v\d+(?::\d+)?|\d+:\d+)$/, '');
    // `anthropic.claude-v2:1` names the model by its version: keep it.
    name = /\d/.test(unversioned) ? unversioned : bare;
  }
  // Vertex AI names a partner model's version after `@` (`claude-3-5-sonnet-v2@20241022`,
  // `mistral-large@2407`): the maker's id has it after a hyphen, without Vertex's `-v2`.
  name = name.replace(/(?:-v\d+)?@(\d+)$/, '-$1').replace(/@.*$/, '');
  // Vercel's AI Gateway and OpenRouter write Claude 3.5+ versions with a dot (`claude-sonnet-4.5`,
  // `claude-3.5-sonnet`); Anthropic's ids have a hyphen (claude-2.1 and claude-instant-1.2 keep theirs).
  return name.replace(/^(claude-\d)\.(\d-)/, '$1-$2').replace(/^(claude-(?:opus|sonnet|haiku)-\d)\.(\d)/, '$1-$2');
}
