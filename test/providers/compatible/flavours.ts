/**
 * Chat Completions as OpenAI-compatible providers document them, for compatibleUpstream.ts: each
 * flavour's JSON answer and its stream, with the fields, comment lines and framing it adds.
 *  - DeepSeek (api-docs.deepseek.com): `reasoning_content` before `content` (deepseek-reasoner),
 *    `: keep-alive` comments while the model queues, usage with `prompt_cache_hit_tokens` in a
 *    final chunk with `choices: []`.
 *  - OpenRouter (openrouter.ai/docs): `: OPENROUTER PROCESSING` comments, `provider` on each chunk,
 *    `delta.reasoning` and `delta.reasoning_details`, `native_finish_reason` beside `finish_reason`,
 *    usage with `cost` on the last chunk.
 *  - Perplexity (docs.perplexity.ai): `citations` and `search_results` on every chunk, usage with
 *    `citation_tokens`, `num_search_queries` and a `cost` object; CRLF line endings.
 *  - Azure OpenAI (learn.microsoft.com): a first chunk with empty `choices`, empty id and model and
 *    the `prompt_filter_results`; `content_filter_results` on each choice; `data:` without a space.
 *  - llama.cpp server: `timings` on the last chunk.
 */
import type { Flavour, Json } from './compatibleUpstream';
import { sse } from './compatibleUpstream';

const includeUsage = (req: Json): boolean => (req.stream_options as Json | undefined)?.include_usage === true;
const words = (text: string): string[] => text.match(/\S+\s*/g) ?? [];

export const REASONING = 'The user compares 9.11 and 9.8. As decimals 0.80 > 0.11, so 9.8 is larger.';
export const ANSWER = '9.8 is greater than 9.11.';

export const deepseek: Flavour = {
  json: (req, n) => ({
    id: `ds-${n}`,
    object: 'chat.completion',
    created: 1_764_000_000,
    model: String(req.model),
    choices: [{ index: 0, message: { role: 'assistant', content: ANSWER, reasoning_content: REASONING }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: 60, total_tokens: 80, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 45 }, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 20 },
    system_fingerprint: 'fp_ds_0',
  }),
  stream: (req, n) => {
    const base = { id: `ds-${n}`, object: 'chat.completion.chunk', created: 1_764_000_000, model: String(req.model), system_fingerprint: 'fp_ds_0' };
    const delta = (d: Json, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }] });
    return `: keep-alive\n\n${sse([
      delta({ role: 'assistant', content: null, reasoning_content: '' }),
      ...words(REASONING).map((w) => delta({ content: null, reasoning_content: w })),
      ...words(ANSWER).map((w) => delta({ content: w, reasoning_content: null })),
      delta({ content: '', reasoning_content: null }, 'stop'),
      ...(includeUsage(req) ? [{ ...base, choices: [], usage: deepseek.json(req, n).usage as Json }] : []),
    ])}`;
  },
};

const details = (text: string) => [{ type: 'reasoning.text', text, format: 'unknown', index: 0 }];
const openrouterUsage = { prompt_tokens: 14, completion_tokens: 52, total_tokens: 66, cost: 0.0000912, is_byok: false, prompt_tokens_details: { cached_tokens: 0 }, cost_details: { upstream_inference_cost: null }, completion_tokens_details: { reasoning_tokens: 38 } };

export const openrouter: Flavour = {
  json: (req, n) => ({
    id: `gen-${n}`,
    provider: 'DeepInfra',
    model: String(req.model),
    object: 'chat.completion',
    created: 1_764_000_000,
    choices: [{ logprobs: null, finish_reason: 'stop', native_finish_reason: 'stop', index: 0, message: { role: 'assistant', content: ANSWER, refusal: null, reasoning: REASONING, reasoning_details: details(REASONING) } }],
    usage: openrouterUsage,
  }),
  stream: (req, n) => {
    const base = { id: `gen-${n}`, provider: 'DeepInfra', model: String(req.model), object: 'chat.completion.chunk', created: 1_764_000_000 };
    const chunk = (d: Json, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish, native_finish_reason: finish, logprobs: null }] });
    return `: OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n${sse([
      chunk({ role: 'assistant', content: '', reasoning: null }),
      ...words(REASONING).map((w) => chunk({ role: 'assistant', content: '', reasoning: w, reasoning_details: details(w) })),
      ...words(ANSWER).map((w) => chunk({ role: 'assistant', content: w, reasoning: null })),
      chunk({ role: 'assistant', content: '', reasoning: null }, 'stop'),
      // OpenRouter sends its usage chunk whatever stream_options say.
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, native_finish_reason: null, logprobs: null }], usage: openrouterUsage },
    ])}`;
  },
};

export const CITATIONS = ['https://en.wikipedia.org/wiki/Decimal', 'https://www.mathsisfun.com/decimals.html'];
export const SEARCH_RESULTS = CITATIONS.map((url, i) => ({ title: `Source ${i + 1}`, url, date: '2025-01-0' + (i + 1), last_updated: '2025-06-01', snippet: 'Comparing decimals…', source: 'web' }));
const sonarUsage = { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21, search_context_size: 'low', cost: { input_tokens_cost: 0.000009, output_tokens_cost: 0.000012, request_cost: 0.005, total_cost: 0.005021 } };
/**
 * sonar-deep-research bills reasoning and citation tokens and each search apart from the completion
 * (docs.perplexity.ai pricing: $2 / $8 per M input / output, $3 per M reasoning, $2 per M citation,
 * $5 per 1,000 searches); `total_tokens` is prompt + completion only.
 */
export const DEEP_RESEARCH_USAGE = {
  prompt_tokens: 19,
  completion_tokens: 498,
  total_tokens: 517,
  citation_tokens: 10_175,
  num_search_queries: 48,
  reasoning_tokens: 95_305,
  cost: { input_tokens_cost: 0.000038, output_tokens_cost: 0.003984, reasoning_tokens_cost: 0.285915, request_cost: null, citation_tokens_cost: 0.02035, search_queries_cost: 0.24, total_cost: 0.550287 },
};
const perplexityUsage = (req: Json): Json => (req.model === 'sonar-deep-research' ? DEEP_RESEARCH_USAGE : sonarUsage);

export const perplexity: Flavour = {
  json: (req, n) => ({
    id: `pplx-${n}`,
    model: String(req.model),
    created: 1_764_000_000,
    usage: perplexityUsage(req),
    citations: CITATIONS,
    search_results: SEARCH_RESULTS,
    object: 'chat.completion',
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: ANSWER } }],
  }),
  stream: (req, n) => {
    const base = { id: `pplx-${n}`, model: String(req.model), created: 1_764_000_000, citations: CITATIONS, search_results: SEARCH_RESULTS, object: 'chat.completion.chunk' };
    const parts = words(ANSWER);
    return sse(
      parts.map((w, i) => ({ ...base, ...(i === parts.length - 1 ? { usage: perplexityUsage(req) } : {}), choices: [{ index: 0, finish_reason: i === parts.length - 1 ? 'stop' : null, delta: { role: 'assistant', content: w } }] })),
      '\r\n',
    );
  },
};

const safe = { filtered: false, severity: 'safe' };
const filters = { hate: safe, self_harm: safe, sexual: safe, violence: safe };
export const PROMPT_FILTERS = [{ prompt_index: 0, content_filter_results: { ...filters, jailbreak: { filtered: false, detected: false } } }];

export const azure: Flavour = {
  json: (_req, n) => ({
    choices: [{ content_filter_results: filters, finish_reason: 'stop', index: 0, logprobs: null, message: { content: ANSWER, refusal: null, role: 'assistant' } }],
    created: 1_764_000_000,
    id: `chatcmpl-az${n}`,
    model: 'gpt-4o-mini-2024-07-18',
    object: 'chat.completion',
    prompt_filter_results: PROMPT_FILTERS,
    system_fingerprint: 'fp_az',
    usage: { completion_tokens: 7, completion_tokens_details: { reasoning_tokens: 0 }, prompt_tokens: 12, prompt_tokens_details: { cached_tokens: 0 }, total_tokens: 19 },
  }),
  stream: (req, n) => {
    const base = { created: 1_764_000_000, id: `chatcmpl-az${n}`, model: 'gpt-4o-mini-2024-07-18', object: 'chat.completion.chunk', system_fingerprint: 'fp_az' };
    const frames: Json[] = [
      { choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTERS },
      { ...base, choices: [{ content_filter_results: {}, delta: { content: '', refusal: null, role: 'assistant' }, finish_reason: null, index: 0, logprobs: null }] },
      ...words(ANSWER).map((w) => ({ ...base, choices: [{ content_filter_results: filters, delta: { content: w }, finish_reason: null, index: 0, logprobs: null }] })),
      { ...base, choices: [{ content_filter_results: {}, delta: {}, finish_reason: 'stop', index: 0, logprobs: null }] },
      ...(includeUsage(req) ? [{ ...base, choices: [], usage: azure.json(req, n).usage as Json }] : []),
    ];
    // Frames as `data:{json}`: a field value may follow the colon without a space (the SSE spec).
    return frames.map((f) => `data:${JSON.stringify(f)}\n\n`).join('') + 'data:[DONE]\n\n';
  },
};

export const TIMINGS = { prompt_n: 12, prompt_ms: 31.2, prompt_per_second: 384.6, predicted_n: 7, predicted_ms: 90.4, predicted_per_second: 77.4 };
export const llamacpp: Flavour = {
  json: (req, n) => ({
    choices: [{ finish_reason: 'stop', index: 0, message: { role: 'assistant', content: ANSWER } }],
    created: 1_764_000_000,
    model: String(req.model),
    system_fingerprint: 'b5000-1234abcd',
    object: 'chat.completion',
    usage: { completion_tokens: 7, prompt_tokens: 12, total_tokens: 19 },
    id: `chatcmpl-ll${n}`,
    timings: TIMINGS,
  }),
  stream: (req, n) => {
    const base = { created: 1_764_000_000, id: `chatcmpl-ll${n}`, model: String(req.model), system_fingerprint: 'b5000-1234abcd', object: 'chat.completion.chunk' };
    return sse([
      { ...base, choices: [{ finish_reason: null, index: 0, delta: { role: 'assistant', content: null } }] },
      ...words(ANSWER).map((w) => ({ ...base, choices: [{ finish_reason: null, index: 0, delta: { content: w } }] })),
      { ...base, choices: [{ finish_reason: 'stop', index: 0, delta: {} }], usage: { completion_tokens: 7, prompt_tokens: 12, total_tokens: 19 }, timings: TIMINGS },
    ]);
  },
};

/**
 * Mistral (docs.mistral.ai, reasoning): Magistral models answer with `content` as typed chunks, the
 * thinking first (`{type: "thinking", thinking: [{type: "text", text}]}`) then the text; a stream
 * sends the thinking as such lists in `delta.content` and the answer as text, and its last chunk
 * carries the usage unasked (Mistral refuses `stream_options`).
 */
export const MISTRAL_USAGE = { prompt_tokens: 15, total_tokens: 95, completion_tokens: 80 };
export const mistral: Flavour = {
  json: (_req, n) => ({
    id: `ms${n}`,
    object: 'chat.completion',
    created: 1_764_000_000,
    model: 'magistral-medium-2509',
    choices: [{ index: 0, message: { role: 'assistant', tool_calls: null, content: [{ type: 'thinking', thinking: [{ type: 'text', text: REASONING }] }, { type: 'text', text: ANSWER }] }, finish_reason: 'stop' }],
    usage: MISTRAL_USAGE,
  }),
  stream: (_req, n) => {
    const base = { id: `ms${n}`, object: 'chat.completion.chunk', created: 1_764_000_000, model: 'magistral-medium-2509' };
    const chunk = (content: unknown, finish: string | null = null, usage?: Json) => ({ ...base, choices: [{ index: 0, delta: { content }, finish_reason: finish }], ...(usage ? { usage } : {}) });
    return sse([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      ...words(REASONING).map((w) => chunk([{ type: 'thinking', thinking: [{ type: 'text', text: w }] }])),
      ...words(ANSWER).map((w) => chunk(w)),
      chunk('', 'stop', MISTRAL_USAGE),
    ]);
  },
};
