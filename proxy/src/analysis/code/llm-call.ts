/**
 * An LLM call found in source code, independent of the language it was found in. Detectors
 * (TypeScript compiler API, tree-sitter Python) produce these; the output-limit rule and the cost
 * lenses consume them.
 */
import { billingProvider } from '../../pricing/price';

export type CallApi =
  | 'openai-chat'
  | 'openai-responses'
  | 'openai-completions'
  | 'anthropic-messages'
  | 'ai-sdk'
  | 'langchain-openai'
  | 'langchain-anthropic'
  | 'google-genai'
  /** google-generativeai (Python) / @google/generative-ai (TS): the limit sits in the model's generation config. */
  | 'google-legacy'
  | 'langchain-google'
  | 'langchain-other'
  | 'mistral-chat'
  | 'cohere-chat'
  | 'litellm'
  | 'openai-agents'
  /** Amazon Bedrock Converse (`ConverseCommand`, boto3 `converse`): the limit sits in `inferenceConfig.maxTokens`. */
  | 'bedrock-converse'
  /**
   * Amazon Bedrock InvokeModel (`InvokeModelCommand`, boto3 `invoke_model`, and their streaming
   * forms): the model's own JSON body, whose limit key depends on the model family (bedrock-invoke.ts).
   */
  | 'bedrock-invoke'
  /** A LlamaIndex LLM (`llama_index.llms.openai.OpenAI(…)`), configured once for later calls. */
  | 'llamaindex'
  /** A framework's LLM class or request function, found through FRAMEWORK_CALLS (spelling and place from the table). */
  | 'framework';

/** What the file imports that changes how a bare name is read (`chat` is only Cohere's in a file that imports cohere). */
export interface FileHints {
  cohere: boolean;
  litellm: boolean;
  openaiAgents: boolean;
  /** `chats.create` is Google Gen AI's only in a file importing it (a `chats` table's `create` otherwise). */
  googleGenai?: boolean;
}

/** Python response wrappers that return the same call with a raw/streamed HTTP response. */
const PASS_THROUGH = new Set(['with_raw_response', 'with_streaming_response', 'withRawResponse']);

export interface DetectedCall {
  api: CallApi;
  /** What the code calls, e.g. "client.chat.completions.create" or "new ChatOpenAI". */
  callee: string;
  /** Offsets of the callee (where diagnostics and lenses go). */
  start: number;
  end: number;
  /** present: a limit is set; missing: provably not set; unknown: a spread/variable hides the arguments. */
  limit: 'present' | 'missing' | 'unknown';
  outputLimit?: number;
  model?: string;
  /** Literal prompt text visible at the call. */
  messages: Array<{ role: string; text: string; start: number; end: number }>;
  /** Interpolations and non-literal message contents (unknown content). */
  placeholders: number;
  /** true when the arguments come from somewhere the analysis cannot see (parameter, import, **kwargs). */
  argumentsHidden?: boolean;
  /**
   * Where to add the limit with the spelling this SDK expects; `limit` is the value newText inserts.
   * With `end`, newText replaces offset..end (a limit key the installed SDK does not read, renamed).
   */
  insertion?: { offset: number; end?: number; newText: string; title: string; limit: number };
  /**
   * The limit a fix for this call would set (its model's room to reason, extended thinking), also
   * when no fix can be offered; undefined when no value is known to be accepted.
   */
  suggested?: number;
  /** Why a limit that is written does not count (`maxTokens`, which AI SDK 5+ no longer reads). */
  note?: string;
  /**
   * false for a legacy Completions call: the prompt is sent as one plain text, without the chat
   * format's per-message tokens, so a lens should count it with `chat: false`.
   */
  chat?: false;
  /** The limit key the API requires (Bedrock rejects a Claude body without `max_tokens`): its absence is an error, not only a cost. */
  requiredKey?: string;
  /**
   * The provider (genai-prices id) whose SDK client sends the call, when that is not the model's
   * own maker: `Groq().chat.completions.create(model="llama-3.3-70b-versatile")` bills at Groq's rate.
   */
  provider?: string;
}

/** The output limit a quick fix inserts when nothing else constrains it. */
export const SUGGESTED_LIMIT = 1024;

/**
 * The limit for a model that reasons before it answers: its hidden reasoning tokens count against
 * the output limit, and at 1,024 a gpt-5 or o3 reply often ends with finish_reason "length" and no
 * content at all. OpenAI's reasoning guide suggests reserving at least 25,000 tokens for reasoning
 * and output.
 */
export const REASONING_SUGGESTED_LIMIT = 25_000;

/**
 * What `thinking` asks for: none (absent, or not `enabled`), a readable `budget_tokens`, or
 * 'unknown' (a budget or type the analysis cannot read).
 */
export type ThinkingBudget = number | 'none' | 'unknown';

/**
 * The limit a fix may insert. Anthropic rejects a request whose max_tokens is not above
 * thinking.budget_tokens ("max_tokens must be greater than thinking.budget_tokens"), so with extended
 * thinking on the fix leaves the suggested limit for the answer on top of the budget; a model that
 * reasons by default gets room to reason; and no value is above the model's own maximum output
 * (also rejected). undefined: no value is known to be accepted.
 */
export function suggestedLimit(thinking: ThinkingBudget, model: { max?: number | undefined; reasons: boolean }): number | undefined {
  if (thinking === 'unknown') return undefined;
  const budget = thinking === 'none' ? 0 : thinking;
  const wanted = budget + (model.reasons ? REASONING_SUGGESTED_LIMIT : SUGGESTED_LIMIT);
  const modelMax = model.max;
  if (modelMax === undefined || wanted <= modelMax) return wanted;
  return modelMax > budget ? modelMax : undefined;
}

/**
 * Providers whose OpenAI-compatible Chat Completions endpoint takes `max_tokens` but not
 * `max_completion_tokens` (Mistral answers 422 "extra_forbidden"; others ignore it, so the fix
 * would limit nothing), and open-weight families served by Ollama, vLLM, Groq, Together….
 * `max_tokens` is also what OpenAI takes for every model that is not a reasoning model.
 */
const MAX_TOKENS_PROVIDERS = new Set(['anthropic', 'google', 'mistral', 'deepseek']);
const OPEN_WEIGHT_FAMILY = /(^|[/:])(llama|meta-llama|codellama|qwen|qwq|mixtral|mistral|ministral|codestral|magistral|devstral|pixtral|gemma|phi|deepseek|command|granite|nemotron|yi|falcon|olmo|smollm|kimi|moonshot|glm)/i;

/**
 * Where an OpenAI-SDK client sends its requests, as far as its construction shows: OpenAI itself,
 * Azure OpenAI (`AzureOpenAI`, an `*.openai.azure.com` base URL), or another server that speaks the
 * protocol (a literal base URL elsewhere: vLLM, LM Studio, a gateway).
 */
export type Endpoint = 'openai' | 'azure' | 'compatible';

/** The endpoint a literal base URL names. */
export function endpointOfUrl(url: string): Endpoint {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'compatible';
  }
  if (host === 'api.openai.com') return 'openai';
  if (host.endsWith('.openai.azure.com') || host.endsWith('.cognitiveservices.azure.com') || host.endsWith('.services.ai.azure.com')) return 'azure';
  return 'compatible';
}

/** Where a client sends requests and, for another provider's API, the genai-prices provider that bills it. */
export interface ClientTarget {
  kind: Endpoint;
  provider?: string;
  /** An Azure client's deployment, which names the model its requests reach. */
  deployment?: string;
}

/**
 * A literal base URL's endpoint and the provider whose API it is (api.groq.com is groq,
 * openrouter.ai openrouter), by the proxy's own billingProvider: a Groq llama behind the OpenAI SDK
 * bills at Groq's rate, not OpenAI's (which has none for it). A local or unknown server has none.
 */
export function targetOfUrl(url: string): ClientTarget {
  const kind = endpointOfUrl(url);
  const provider = kind === 'compatible' ? billingProvider({ name: '', baseUrl: url }) : undefined;
  return provider && provider !== 'openai' ? { kind, provider } : { kind };
}

/**
 * The spelling a fix inserts, given the call's model and endpoint: an OpenAI-SDK chat call sent to
 * another provider's model (`baseURL` pointed at Mistral, DeepSeek, Ollama, …) gets `max_tokens`.
 * So does one sent to Azure OpenAI or another compatible server, unless the model is a reasoning
 * model: Azure API versions before 2024-09-01-preview answer 400 "Unrecognized request argument
 * supplied: max_completion_tokens", and many compatible servers ignore or reject it, while
 * `max_tokens` is taken everywhere by every model that does not reason (reasoning models require
 * `max_completion_tokens`, and only newer Azure API versions serve them).
 */
export function limitKeyForModel(
  api: CallApi,
  language: 'typescript' | 'python',
  model: string | undefined,
  provider: string | undefined,
  endpoint?: { kind: Endpoint; reasons: boolean },
): string {
  const key = limitKeyFor(api, language);
  if (api !== 'openai-chat') return key;
  if (endpoint && endpoint.kind !== 'openai' && !endpoint.reasons) return 'max_tokens';
  if (!model) return key;
  const foreign = provider !== undefined ? MAX_TOKENS_PROVIDERS.has(provider) : OPEN_WEIGHT_FAMILY.test(model);
  return foreign ? 'max_tokens' : key;
}

/**
 * LangChain chat classes that read the limit under their backend's own name: ChatOllama (Python
 * langchain_ollama / langchain_community, JS @langchain/ollama) sends only its `num_predict` /
 * `numPredict` field as Ollama's option; `max_tokens` is not one of its fields and is dropped.
 */
const LANGCHAIN_CLASS_KEYS: Readonly<Record<string, Record<'typescript' | 'python', string>>> = {
  ChatOllama: { python: 'num_predict', typescript: 'numPredict' },
};

/** The spelling a LangChain class whose callee chain is `chain` reads, when it is not its API's usual one. */
export function classLimitKey(chain: readonly string[], language: 'typescript' | 'python'): string | undefined {
  return LANGCHAIN_CLASS_KEYS[chain[chain.length - 1] ?? '']?.[language];
}

/** Every spelling of an output limit across SDKs (issue 10 asks us to accept them all). */
export const OUTPUT_LIMIT_KEYS = new Set([
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'maxTokens',
  'maxOutputTokens',
  'maxCompletionTokens',
  'max_tokens_to_sample',
  'maxTokensToSample',
  'max_new_tokens',
  'maxNewTokens',
  // Ollama (ChatOllama, ollama-python/-js `options`).
  'num_predict',
  'numPredict',
]);

/** The spelling each SDK expects, per language. */
export function limitKeyFor(api: CallApi, language: 'typescript' | 'python'): string {
  switch (api) {
    case 'openai-chat':
      return 'max_completion_tokens';
    case 'openai-responses':
      return 'max_output_tokens';
    case 'openai-completions':
    case 'anthropic-messages':
      return 'max_tokens';
    case 'ai-sdk':
      return 'maxOutputTokens';
    case 'langchain-openai':
    case 'langchain-anthropic':
      return language === 'python' ? 'max_tokens' : 'maxTokens';
    case 'google-genai':
    case 'google-legacy':
    case 'langchain-google':
      return language === 'python' ? 'max_output_tokens' : 'maxOutputTokens';
    case 'langchain-other':
    case 'mistral-chat':
    case 'cohere-chat':
    case 'openai-agents':
      return language === 'python' ? 'max_tokens' : 'maxTokens';
    case 'litellm':
      return 'max_tokens';
    case 'llamaindex':
    case 'framework':
      return 'max_tokens';
    case 'bedrock-converse':
      // boto3 takes the same camelCase request shape as the JS SDK.
      return 'maxTokens';
    case 'bedrock-invoke':
      // The body's spelling is the model family's (bedrockBodyLimit); this is only the fallback.
      return 'max_tokens';
  }
}

/** How a finding names the callee: `OpenAI().chat.completions.create`, not `OpenAI.().chat…`. */
export function calleeText(chain: readonly string[]): string {
  return chain.join('.').replaceAll('.()', '()');
}

/**
 * Classifies a callee by the dotted chain of its name ("client.chat.completions.create").
 * `beta.threads.messages.create` (Assistants) adds a message to a thread, not a completion.
 */
const LANGCHAIN_OTHER = new Set(['ChatMistralAI', 'ChatGroq', 'ChatCohere', 'ChatDeepSeek', 'ChatXAI', 'ChatFireworks', 'ChatTogether', 'ChatOllama']);
const LANGCHAIN_GOOGLE = new Set(['ChatGoogleGenerativeAI', 'ChatVertexAI']);

export function classifyCallee(fullChain: string[], isNew: boolean, hints: FileHints = { cohere: false, litellm: false, openaiAgents: false }): CallApi | undefined {
  const chain = fullChain.filter((c) => !PASS_THROUGH.has(c));
  const last = chain[chain.length - 1];
  if (last && LANGCHAIN_GOOGLE.has(last)) return 'langchain-google';
  if (last && LANGCHAIN_OTHER.has(last)) return 'langchain-other';
  if (last === 'Agent' && hints.openaiAgents && chain.length <= 2) return 'openai-agents';
  const tail = (n: number) => chain.slice(-n).join('.');
  if (isNew) {
    if (last === 'ConverseCommand' || last === 'ConverseStreamCommand') return 'bedrock-converse';
    if (last === 'InvokeModelCommand' || last === 'InvokeModelWithResponseStreamCommand') return 'bedrock-invoke';
    if (last === 'ChatOpenAI' || last === 'AzureChatOpenAI') return 'langchain-openai';
    if (last === 'ChatAnthropic') return 'langchain-anthropic';
    return undefined;
  }
  // AI SDK functions, imported by name or through a namespace (`ai.generateText`).
  if (chain.length <= 2 && last && ['generateText', 'streamText', 'generateObject', 'streamObject'].includes(last)) return 'ai-sdk';
  // Python constructs LangChain models with a plain call, by name or through the module.
  if (last === 'ChatOpenAI' || last === 'AzureChatOpenAI') return 'langchain-openai';
  if (last === 'ChatAnthropic') return 'langchain-anthropic';
  if (last === 'GenerativeModel' || last === 'getGenerativeModel') return 'google-legacy';
  if (last === 'init_chat_model' || last === 'initChatModel') return 'langchain-other';
  if (hints.litellm && (chain.join('.') === 'litellm.completion' || chain.join('.') === 'litellm.acompletion' || (chain.length === 1 && (last === 'completion' || last === 'acompletion'))))
    return 'litellm';
  if (hints.cohere && chain.length === 2 && last && ['chat', 'chat_stream', 'chatStream', 'generate', 'generate_stream', 'generateStream'].includes(last)) return 'cohere-chat';
  if (chain.includes('threads')) return undefined;
  if (chain.length < 2) return undefined;
  if (last === 'converse' || last === 'converse_stream') return 'bedrock-converse';
  if (last === 'invoke_model' || last === 'invoke_model_with_response_stream') return 'bedrock-invoke';
  // openai-node's runTools loops chat completions with the same params (and limit) on every request.
  if (['chat.completions.create', 'chat.completions.stream', 'chat.completions.parse', 'chat.completions.runTools'].includes(tail(3))) return 'openai-chat';
  if (['responses.create', 'responses.stream', 'responses.parse'].includes(tail(2))) return 'openai-responses';
  if (tail(2) === 'completions.create') return 'openai-completions';
  // openai-python < 1.0 (still common in older code).
  if (tail(2) === 'ChatCompletion.create' || tail(2) === 'ChatCompletion.acreate') return 'openai-chat';
  if (tail(2) === 'Completion.create' || tail(2) === 'Completion.acreate') return 'openai-completions';
  // `parse` (structured output, on the client and its beta) and the beta tool loop take the Messages params, max_tokens required.
  if (['messages.create', 'messages.stream', 'messages.parse'].includes(tail(2))) return 'anthropic-messages';
  if (['beta.messages.toolRunner', 'beta.messages.tool_runner'].includes(tail(3))) return 'anthropic-messages';
  if (['chat.complete', 'chat.stream', 'chat.complete_async', 'chat.stream_async', 'chat.parse', 'chat.parse_async'].includes(tail(2))) return 'mistral-chat';
  if (['models.generateContent', 'models.generateContentStream', 'models.generate_content', 'models.generate_content_stream'].includes(tail(2)))
    return 'google-genai';
  // A chat session takes the same config (and limit) every message it sends uses.
  if (hints.googleGenai && tail(2) === 'chats.create') return 'google-genai';
  return undefined;
}

/**
 * Callee names several libraries share — `messages.create` (Anthropic, Twilio), `generateText` (AI SDK,
 * a project's own helper), `x.chat` (Cohere, Ollama), `completion`, `Agent` — count as that SDK's only
 * with evidence: the receiver (or the function itself) comes from the SDK's package, or, when its
 * origin cannot be seen (a parameter, an imported client), the file imports the SDK.
 */
type Family = 'anthropic' | 'ai' | 'cohere' | 'litellm' | 'openai-agents' | 'mistral' | 'bedrock' | 'langchain';

const FAMILY_MODULE: Record<Family, RegExp> = {
  // anthropic, anthropic.types, @anthropic-ai/sdk, -bedrock-sdk, -vertex-sdk; wrappers named after it (langfuse.anthropic).
  anthropic: /^@anthropic-ai\/|(^|[./_-])anthropic([./_-]|$)/,
  ai: /^ai$/,
  cohere: /^cohere(\.|$)|^cohere-ai$/,
  litellm: /^litellm(\.|$)/,
  'openai-agents': /^agents(\.|$)|^@openai\/agents/,
  // `x.chat.complete(…)` is also a project's own API client's; Mistral's SDK is @mistralai/mistralai / mistralai.
  mistral: /^@mistralai\/|^mistralai([._]|$)/,
  // `converse` is a common method name; Bedrock's is a boto3 / AWS SDK client's.
  bedrock: /^@aws-sdk\/client-bedrock-runtime$|^(aio)?boto3(\.|$)|^(aio)?botocore(\.|$)/,
  // A project's own `ChatOpenAI` (`from './llm'`) is not LangChain's: @langchain/openai, langchain/chat_models/…, langchain_openai.
  langchain: /^@?langchain([./_-]|$)/,
};

/** Model ids only that family's API takes (a Bedrock/Vertex id includes "claude" too, hence Anthropic's family also covers those SDKs). */
const FAMILY_MODEL: Partial<Record<Family, RegExp>> = {
  anthropic: /claude/i,
  mistral: /mistral|mixtral|codestral|ministral|magistral|devstral|pixtral/i,
  // modelId of a Bedrock foundation model or inference profile: `anthropic.claude-…-v1:0`, `us.amazon.nova-…`.
  bedrock: /^([a-z]{2,6}\.)?(anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer)\.|^arn:aws/,
};

function familyOf(api: CallApi): Family | undefined {
  switch (api) {
    case 'anthropic-messages':
      return 'anthropic';
    case 'ai-sdk':
      return 'ai';
    case 'cohere-chat':
      return 'cohere';
    case 'litellm':
      return 'litellm';
    case 'openai-agents':
      return 'openai-agents';
    case 'mistral-chat':
      return 'mistral';
    case 'bedrock-converse':
    case 'bedrock-invoke':
      return 'bedrock';
    default:
      return api.startsWith('langchain-') ? 'langchain' : undefined;
  }
}

/** Where the callee's receiver comes from, as far as the file shows. */
export interface CalleeOrigin {
  /**
   * Packages the receiver was imported or constructed from (`client = Client(sid, token)` with
   * `Client` from twilio.rest → twilio.rest); `<local>` for a function defined in the file; empty
   * when the origin cannot be seen (a parameter, a client imported from the project's own module).
   */
  modules: Set<string>;
  /** Every module the file imports or requires. */
  fileModules: Iterable<string>;
}

export const LOCAL_ORIGIN = '<local>';

/** Whether the evidence says the call belongs to the SDK `api` was classified as. */
export function belongsToSdk(api: CallApi, origin: CalleeOrigin, model: string | undefined): boolean {
  const family = familyOf(api);
  if (!family) return true;
  const re = FAMILY_MODULE[family];
  // A model id only that SDK's API takes is evidence too (a Claude id at `messages.create`).
  const modelRe = FAMILY_MODEL[family];
  const byModel = modelRe !== undefined && model !== undefined && modelRe.test(model);
  if (origin.modules.size > 0) return [...origin.modules].some((m) => re.test(m)) || byModel;
  // LangChain's class names are its own: only an import from elsewhere makes one another library's.
  if (family === 'langchain') return true;
  for (const m of origin.fileModules) if (re.test(m)) return true;
  return byModel;
}

/** The values a `max_tokens` may be given that mean "no limit" (`None`, `null`, `undefined`). */
export const NO_LIMIT_VALUES = new Set(['None', 'null', 'undefined']);

/** OpenAI's legacy Completions API stops at 16 output tokens when no max_tokens is sent. */
export const LEGACY_COMPLETIONS_DEFAULT_LIMIT = 16;

/**
 * OpenAI's legacy Completions API sends one plain-text prompt (no chat framing) and, without
 * max_tokens, stops at 16 output tokens: a default limit, not a missing one. Anthropic's legacy
 * Text Completions (a Claude model) require max_tokens_to_sample and stay a finding.
 */
export function legacyCompletions(call: DetectedCall): void {
  if (call.model && /claude/i.test(call.model)) return;
  call.chat = false;
  if (call.limit === 'missing') {
    call.limit = 'present';
    call.outputLimit = LEGACY_COMPLETIONS_DEFAULT_LIMIT;
  }
}

/**
 * LangChain JS's ChatAnthropic never sends a request without max_tokens: given none, it sends its
 * own default — 2048 in @langchain/anthropic up to 0.3, and from then a larger one for newer Claude
 * models, matched by model-id prefix (its MODEL_DEFAULT_MAX_OUTPUT_TOKENS). The larger is the worst case.
 */
const LANGCHAIN_JS_ANTHROPIC_DEFAULTS: ReadonlyArray<readonly [string, number]> = [
  ['claude-opus-4', 8192],
  ['claude-sonnet-4', 8192],
  ['claude-3-5-sonnet', 4096],
  ['claude-3-5-haiku', 4096],
];
export const LANGCHAIN_JS_ANTHROPIC_FALLBACK_LIMIT = 2048;

/** A `new ChatAnthropic(…)` (JS) without maxTokens is bounded by LangChain's default, not unlimited. */
export function langchainJsAnthropicDefault(call: DetectedCall): void {
  if (call.limit !== 'missing') return;
  call.limit = 'present';
  call.outputLimit = LANGCHAIN_JS_ANTHROPIC_DEFAULTS.find(([prefix]) => call.model?.startsWith(prefix))?.[1] ?? LANGCHAIN_JS_ANTHROPIC_FALLBACK_LIMIT;
  delete call.insertion;
}

/**
 * LiteLLM sends a Claude model on Anthropic's API (`claude-…`, `anthropic/claude-…`) or on Vertex AI
 * (`vertex_ai/claude-…`, whose config extends the Anthropic one) a max_tokens of its own when the call
 * sets none, since that API requires one: the model's maximum output from LiteLLM's model map
 * (AnthropicConfig.get_max_tokens_for_model), 4,096 in older releases and for a model the map lacks.
 * The maximum is no bound on cost, so the call stays a finding; its message says what is sent rather
 * than that nothing is.
 */
export function litellmAnthropicDefault(call: DetectedCall): void {
  if (call.limit === 'missing' && call.model !== undefined && /^(anthropic\/|vertex_ai\/)?claude-/i.test(call.model))
    call.note = "LiteLLM then sends the model's maximum output as max_tokens, 4,096 in older releases";
}

/**
 * Modules that make a bare name an SDK's, per language: `chat` is Cohere's in a file importing
 * cohere, `completion` LiteLLM's, `Agent` the OpenAI Agents SDK's. (A TypeScript `agents` package is
 * Cloudflare's, not OpenAI's: only `@openai/agents` counts there.)
 */
const HINT_MODULES: Record<'typescript' | 'python', Record<keyof FileHints, RegExp | undefined>> = {
  typescript: { cohere: /^cohere-ai$/, litellm: undefined, openaiAgents: /^@openai\/agents($|[-/])/, googleGenai: /^@google\/genai($|\/)/ },
  // `from google import genai` names the module `google`.
  python: { cohere: /^cohere(\.|$)/, litellm: /^litellm(\.|$)/, openaiAgents: /^agents(\.|$)/, googleGenai: /^google(\.genai(\.|$)|$)/ },
};

/** The FileHints of a file from every module it imports or requires (one walk serves hints and belongsToSdk). */
export function fileHintsOf(modules: Iterable<string>, language: 'typescript' | 'python'): FileHints {
  const hints: FileHints = { cohere: false, litellm: false, openaiAgents: false, googleGenai: false };
  const patterns = HINT_MODULES[language];
  for (const m of modules)
    for (const key of Object.keys(hints) as Array<keyof FileHints>) if (patterns[key]?.test(m)) hints[key] = true;
  return hints;
}

/**
 * SDKs shaped like the OpenAI SDK (`client.chat.completions.create`) that send requests to their own
 * provider, as genai-prices names it: groq (`groq`, `groq-sdk`), Together (`together`,
 * `together-ai`), Cerebras (`cerebras.cloud.sdk`, `@cerebras/cerebras_cloud_sdk`).
 */
const PROVIDER_SDKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^groq(\.|$)|^groq-sdk(\/|$)/, 'groq'],
  [/^together(\.|$)|^together-ai(\/|$)/, 'together'],
  [/^cerebras\.cloud\.sdk(\.|$)|^@cerebras\/cerebras_cloud_sdk(\/|$)/, 'cerebras'],
];

/** The provider whose SDK a client comes from (the modules it was imported or constructed from), if one of PROVIDER_SDKS. */
export function sdkProvider(modules: Iterable<string>): string | undefined {
  for (const m of modules) for (const [re, provider] of PROVIDER_SDKS) if (re.test(m)) return provider;
  return undefined;
}

/** A package of one of the SDKs whose callee names are ambiguous (a wrapper's argument may make a client one of them). */
export function sdkModule(m: string): boolean {
  return Object.values(FAMILY_MODULE).some((re) => re.test(m));
}

/**
 * An LLM framework's class or function that sends (or configures) generation requests, and where it
 * reads the output limit. The detectors look a callee up here by its name and the module it comes
 * from (imported from, or constructed by), so a framework is one row, not code of its own.
 */
export interface FrameworkCall {
  framework: string;
  /** The module the callee (or its receiver) must come from. */
  module: RegExp;
  /** The callee's own name: a class, a function, or a client method. */
  names: ReadonlySet<string>;
  /** `configures`: builds an LLM for later calls (`dspy.LM(…)`); `request`: sends one now (`ollama.chat(…)`). */
  kind: 'configures' | 'request';
  /** The spelling the framework reads. */
  key: string;
  /** The dict/object argument the limit sits in (`options`, `generation_kwargs`, `model_settings`), when nested. */
  inside?: string;
  /** Where the model is: these keywords/properties, else the first positional argument. */
  modelKeys: readonly string[];
  /**
   * A request method whose options object is this argument (Mastra's `agent.generate(prompt, options)`):
   * the model is then read from the receiver's constructor.
   */
  argument?: number;
  /** Properties of the receiver's constructor that may set the limit for every request (defaults): present, the limit is unknown. */
  receiverDefaults?: readonly string[];
  /**
   * The limit the framework sends when none is given (the worst case then, not a finding), from the
   * model as written; 'unknown' when that depends on a model the file does not show.
   */
  defaultLimit?: (model: string | undefined) => number | 'bounded' | 'unknown' | undefined;
  /** Spellings besides OUTPUT_LIMIT_KEYS that this framework reads as its limit (Haystack Bedrock's `max_length`, a family's `max_gen_len`). */
  keys?: readonly string[];
  /** A keyword of its per-run method that may also carry the limit (`generation_kwargs`), when not `inside`. */
  perRequest?: string;
  /** Models whose API rejects a request without the limit: missing, it is that error (`requiredKey`), not only a cost. */
  requiredFor?: RegExp;
  /**
   * Limits older versions sent by default, oldest first: every version before `before` sent at
   * most `limit`. A project whose files pin the framework (`packages`, any spelling) below one of
   * them is bounded by it, not missing a limit (python-pins.ts reads the pin).
   */
  versionDefaults?: { packages: readonly string[]; defaults: ReadonlyArray<{ before: string; limit: number }> };
  /**
   * The model given as an object of one of the framework's model classes (from `module`): the class
   * names its provider (`classes`, written as `provider:model`), the first argument or `nameKey` the model.
   */
  modelObjects?: { module: RegExp; classes: Readonly<Record<string, string>>; nameKey: string };
}

/**
 * Frameworks whose requests carry no output limit unless the code sets one (checked against each
 * one's docs and defaults), and those whose own default a row records (`defaultLimit`). Not here: others
 * that always send one — LlamaIndex.TS's Anthropic — and classes whose limit is set
 * somewhere else entirely (CrewAI's `Agent(llm="gpt-4o")`, an agent defined in one file and run in another).
 */
export const FRAMEWORK_CALLS: Record<'typescript' | 'python', readonly FrameworkCall[]> = {
  python: [
    // DSPy from 3.0.4: `dspy.LM(model, max_tokens=None)` sends none. Before, its default was 1,000
    // (2.5.0–2.6.23) and then 4,000 (2.6.24–3.0.3; 3.0.4b1), per dspy/clients/lm.py at each tag.
    {
      framework: 'dspy',
      module: /^dspy(\.|$)/,
      names: new Set(['LM']),
      kind: 'configures',
      key: 'max_tokens',
      modelKeys: ['model'],
      versionDefaults: {
        packages: ['dspy', 'dspy-ai'],
        defaults: [
          { before: '2.6.24', limit: 1000 },
          { before: '3.0.4b2', limit: 4000 },
        ],
      },
    },
    { framework: 'crewai', module: /^crewai(\.|$)/, names: new Set(['LLM']), kind: 'configures', key: 'max_tokens', modelKeys: ['model'] },
    // smolagents passes extra keywords on to every completion request.
    {
      framework: 'smolagents',
      module: /^smolagents(\.|$)/,
      names: new Set(['LiteLLMModel', 'OpenAIServerModel', 'OpenAIModel', 'AzureOpenAIServerModel', 'AzureOpenAIModel']),
      kind: 'configures',
      key: 'max_tokens',
      modelKeys: ['model_id'],
    },
    {
      framework: 'semantic-kernel',
      module: /^semantic_kernel(\.|$)/,
      names: new Set(['OpenAIChatPromptExecutionSettings', 'AzureChatPromptExecutionSettings', 'OpenAIPromptExecutionSettings']),
      kind: 'configures',
      key: 'max_tokens',
      modelKeys: ['ai_model_id'],
    },
    // Haystack hands generation_kwargs to the OpenAI client's chat.completions.create as they are.
    {
      framework: 'haystack',
      module: /^haystack(\.|$)/,
      names: new Set(['OpenAIChatGenerator', 'OpenAIGenerator', 'AzureOpenAIChatGenerator', 'AzureOpenAIGenerator']),
      kind: 'configures',
      key: 'max_tokens',
      inside: 'generation_kwargs',
      modelKeys: ['model', 'azure_deployment'],
    },
    // Haystack's Anthropic chat generators (haystack-ai integrations) send `generation_kwargs`'
    // max_tokens, else 1,024 (`generation_kwargs.pop("max_tokens", 1024)`): bounded, never unlimited.
    {
      framework: 'haystack',
      module: /^haystack_integrations\.components\.generators\.anthropic(\.|$)/,
      names: new Set(['AnthropicChatGenerator', 'AnthropicVertexChatGenerator', 'AnthropicFoundryChatGenerator']),
      kind: 'configures',
      key: 'max_tokens',
      inside: 'generation_kwargs',
      modelKeys: ['model'],
      defaultLimit: () => 1024,
    },
    // The older, non-chat AnthropicGenerator sends 512 when generation_kwargs has no max_tokens
    // (`filtered_generation_kwargs.pop("max_tokens", 512)` in anthropic/generator.py).
    {
      framework: 'haystack',
      module: /^haystack_integrations\.components\.generators\.anthropic(\.|$)/,
      names: new Set(['AnthropicGenerator']),
      kind: 'configures',
      key: 'max_tokens',
      inside: 'generation_kwargs',
      modelKeys: ['model'],
      defaultLimit: () => 512,
    },
    // LlamaIndex's Anthropic sends max_tokens 512 when none is given (DEFAULT_ANTHROPIC_MAX_TOKENS in
    // llama_index/llms/anthropic/base.py): bounded, a lens with that worst case and no finding.
    { framework: 'llamaindex', module: /^llama_index\.llms\.anthropic(\.|$)/, names: new Set(['Anthropic']), kind: 'configures', key: 'max_tokens', modelKeys: ['model'], defaultLimit: () => 512 },
    // Haystack's AmazonBedrockGenerator (InvokeModel) maps `max_length` to each family's body key, which
    // may also be given as a keyword (`max_tokens=…`) or per run in `generation_kwargs` (adapters.py).
    // Without one, Claude's body has no max_tokens and Bedrock rejects it; Titan and Llama stop at 512,
    // Mistral, Cohere and AI21 at defaults of their own (bedrock-invoke.ts). Other models it refuses.
    {
      framework: 'haystack',
      module: /^haystack_integrations\.components\.generators\.amazon_bedrock(\.|$)/,
      names: new Set(['AmazonBedrockGenerator']),
      kind: 'configures',
      key: 'max_length',
      keys: ['max_length', 'max_gen_len', 'maxTokenCount'],
      perRequest: 'generation_kwargs',
      modelKeys: ['model'],
      requiredFor: /^((global|us-gov|us|eu|apac|au|ca|jp)\.)?anthropic\.claude/,
      defaultLimit: (model) => {
        const id = model?.replace(/^(global|us-gov|us|eu|apac|au|ca|jp)\./, '');
        if (id === undefined) return 'unknown';
        if (/^anthropic\.claude/.test(id)) return undefined;
        if (/^(amazon\.titan-text|meta\.llama)/.test(id)) return 512;
        if (/^(mistral|cohere\.command|ai21\.j2)/.test(id)) return 'bounded';
        return 'unknown';
      },
    },
    // Haystack's Ollama generators send `generation_kwargs` as Ollama's `options`, where the limit is num_predict.
    {
      framework: 'haystack',
      module: /^haystack_integrations\.components\.generators\.ollama(\.|$)/,
      names: new Set(['OllamaChatGenerator', 'OllamaGenerator']),
      kind: 'configures',
      key: 'num_predict',
      inside: 'generation_kwargs',
      modelKeys: ['model'],
    },
    // Pydantic AI sends max_tokens 4,096 to Anthropic when model_settings has none; other providers get none.
    {
      framework: 'pydantic-ai',
      module: /^pydantic_ai(\.|$)/,
      names: new Set(['Agent']),
      kind: 'configures',
      key: 'max_tokens',
      inside: 'model_settings',
      modelKeys: ['model'],
      // `Agent(OpenAIChatModel("gpt-4o"))`: the class names the provider, its first argument the model.
      modelObjects: {
        module: /^pydantic_ai\.models(\.|$)/,
        classes: {
          OpenAIModel: 'openai',
          OpenAIChatModel: 'openai',
          OpenAIResponsesModel: 'openai',
          AnthropicModel: 'anthropic',
          GeminiModel: 'google-gla',
          GoogleModel: 'google-gla',
          GroqModel: 'groq',
          MistralModel: 'mistral',
          CohereModel: 'cohere',
          BedrockConverseModel: 'bedrock',
        },
        nameKey: 'model_name',
      },
      defaultLimit: (model) => (model === undefined ? 'unknown' : /^(anthropic|bedrock):|claude/i.test(model) ? 4096 : undefined),
    },
    // Ollama generates until the context fills (num_predict -1) unless options set num_predict.
    { framework: 'ollama', module: /^ollama(\.|$)/, names: new Set(['chat', 'generate']), kind: 'request', key: 'num_predict', inside: 'options', modelKeys: ['model'] },
  ],
  typescript: [
    { framework: 'ollama', module: /^ollama(\/browser)?$/, names: new Set(['chat', 'generate']), kind: 'request', key: 'num_predict', inside: 'options', modelKeys: ['model'] },
    // AI SDK 5/6 agents take the call settings of generateText in their constructor.
    {
      framework: 'ai-sdk',
      module: /^ai$/,
      names: new Set(['ToolLoopAgent', 'Experimental_Agent', 'Agent']),
      kind: 'configures',
      key: 'maxOutputTokens',
      modelKeys: ['model'],
    },
    // Mastra agents send no limit unless the request's (or the agent's default) modelSettings has one.
    {
      framework: 'mastra',
      module: /^@mastra\/core(\/agent)?$/,
      names: new Set(['generate', 'stream']),
      kind: 'request',
      key: 'maxOutputTokens',
      inside: 'modelSettings',
      modelKeys: ['model'],
      argument: 1,
      receiverDefaults: ['defaultOptions', 'defaultGenerateOptions', 'defaultStreamOptions', 'defaultGenerateOptionsLegacy', 'defaultStreamOptionsLegacy'],
    },
    {
      framework: 'llamaindex-ts',
      module: /^@llamaindex\/(openai|groq|deepseek|together|fireworks|mistral)$|^llamaindex$/,
      names: new Set(['OpenAI', 'Groq', 'DeepSeekLLM', 'TogetherLLM', 'FireworksLLM', 'MistralAI']),
      kind: 'configures',
      key: 'maxTokens',
      modelKeys: ['model'],
    },
  ],
};

/** Every name FRAMEWORK_CALLS knows, per language (a cheap first test before resolving where a callee comes from). */
export const FRAMEWORK_NAMES = {
  python: new Set(FRAMEWORK_CALLS.python.flatMap((r) => [...r.names])),
  typescript: new Set(FRAMEWORK_CALLS.typescript.flatMap((r) => [...r.names])),
};

/**
 * A framework call whose arguments set no limit, settled: a configured object whose limit the code
 * sets afterwards (`llm.max_tokens = 300`, `.bind(…)`; `boundLater` finds it) has that limit, else
 * the framework's own default stands in (applyFrameworkDefault).
 */
export function settleFrameworkCall(
  call: DetectedCall,
  framework: FrameworkCall,
  writtenModel: string | undefined,
  boundLater: () => Pick<DetectedCall, 'limit' | 'outputLimit'> | undefined,
): DetectedCall {
  const bound = call.limit === 'missing' && framework.kind === 'configures' ? boundLater() : undefined;
  if (bound) {
    Object.assign(call, bound);
    delete call.insertion;
  }
  applyFrameworkDefault(call, framework, writtenModel);
  return call;
}

/**
 * A framework's own default in place of a missing limit: a bound (the worst case), or unknown when
 * it depends on a model the file does not show.
 */
function applyFrameworkDefault(call: DetectedCall, framework: FrameworkCall | undefined, writtenModel: string | undefined): void {
  if (!framework?.defaultLimit || call.limit !== 'missing') return;
  const d = framework.defaultLimit(writtenModel);
  if (d === undefined) {
    if (framework.requiredFor && writtenModel !== undefined && framework.requiredFor.test(writtenModel)) call.requiredKey = framework.key;
    return;
  }
  call.limit = d === 'unknown' ? 'unknown' : 'present';
  // 'bounded': the model stops at a default of its own whose size the file does not tell.
  if (typeof d === 'number') call.outputLimit = d;
  delete call.insertion;
}

/** The framework row a callee named `name` (last part of its chain) matches, given the modules it comes from. */
export function frameworkCallOf(language: 'typescript' | 'python', name: string | undefined, modules: Iterable<string>): FrameworkCall | undefined {
  if (!name) return undefined;
  const rows = FRAMEWORK_CALLS[language].filter((r) => r.names.has(name));
  if (rows.length === 0) return undefined;
  for (const m of modules) {
    const row = rows.find((r) => r.module.test(m));
    if (row) return row;
  }
  return undefined;
}
