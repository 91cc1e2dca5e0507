/**
 * An LLM call found in source code, independent of the language it was found in. Detectors
 * (TypeScript compiler API, tree-sitter Python) produce these; the output-limit rule and the cost
 * lenses consume them.
 */
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
  | 'openai-agents';

/** What the file imports that changes how a bare name is read (`chat` is only Cohere's in a file that imports cohere). */
export interface FileHints {
  cohere: boolean;
  litellm: boolean;
  openaiAgents: boolean;
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
  /** Where to add the limit with the spelling this SDK expects. */
  insertion?: { offset: number; newText: string; title: string };
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
  'max_new_tokens',
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
  if (['chat.completions.create', 'chat.completions.stream', 'chat.completions.parse'].includes(tail(3))) return 'openai-chat';
  if (['responses.create', 'responses.stream', 'responses.parse'].includes(tail(2))) return 'openai-responses';
  if (tail(2) === 'completions.create') return 'openai-completions';
  // openai-python < 1.0 (still common in older code).
  if (tail(2) === 'ChatCompletion.create' || tail(2) === 'ChatCompletion.acreate') return 'openai-chat';
  if (tail(2) === 'Completion.create' || tail(2) === 'Completion.acreate') return 'openai-completions';
  if (tail(2) === 'messages.create' || tail(2) === 'messages.stream') return 'anthropic-messages';
  if (['chat.complete', 'chat.stream', 'chat.complete_async', 'chat.stream_async', 'chat.parse', 'chat.parse_async'].includes(tail(2))) return 'mistral-chat';
  if (['models.generateContent', 'models.generateContentStream', 'models.generate_content', 'models.generate_content_stream'].includes(tail(2)))
    return 'google-genai';
  return undefined;
}
