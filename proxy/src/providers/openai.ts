/**
 * OpenAI wire protocol: chat completions, legacy completions, Responses API, embeddings, models.
 * Also used for every OpenAI-compatible upstream (Azure v1, OpenRouter, Ollama, vLLM).
 */
import { sseFrame } from './sse';
import { arr, num, obj, type EndpointSpec, type Json, type NormalizedUsage, type StreamAssembler } from './types';
import { OPENAI_PATHS, routePaths } from './protocol';

/** `usage` names its counts `prompt`/`completion` in chat and completions, `input`/`output` in the Responses API. */
function usageNamed(input: 'prompt' | 'input', output: 'completion' | 'output'): (body: Json) => NormalizedUsage | undefined {
  return (body) => {
    const u = obj(body.usage);
    if (!u) return undefined;
    return {
      inputTokens: num(u[`${input}_tokens`]),
      outputTokens: num(u[`${output}_tokens`]),
      cachedTokens: num(obj(u[`${input}_tokens_details`])?.cached_tokens),
      cacheWriteTokens: 0,
    };
  };
}
const chatUsage = usageNamed('prompt', 'completion');

function includeUsageInStream(body: Json): boolean {
  const so = obj(body.stream_options);
  if (so?.include_usage === true) return false;
  body.stream_options = { ...(so ?? {}), include_usage: true };
  return true;
}

interface ToolCallAcc {
  index: number;
  id?: string;
  type?: string;
  function: { name: string; arguments: string };
}

interface ChoiceAcc {
  index: number;
  role?: string;
  content: string | null;
  refusal: string | null;
  toolCalls: Map<number, ToolCallAcc>;
  finishReason: unknown;
  logprobs: unknown;
}

class ChatAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private base: Json = {};
  private usage: unknown;
  private choices = new Map<number, ChoiceAcc>();

  accept(_frame: unknown, json: Json | undefined): void {
    if (_frame && (_frame as { data: string }).data === '[DONE]') {
      this.complete = true;
      return;
    }
    if (!json) return;
    if (json.error) {
      this.error = obj(json.error) ?? { message: String(json.error) };
      return;
    }
    for (const k of ['id', 'created', 'model', 'system_fingerprint', 'service_tier']) if (json[k] !== undefined && json[k] !== null) this.base[k] = json[k];
    if (json.usage) this.usage = json.usage;
    for (const c of arr(json.choices)) {
      const choice = obj(c);
      if (!choice) continue;
      const index = num(choice.index);
      let acc = this.choices.get(index);
      if (!acc) {
        acc = { index, content: null, refusal: null, toolCalls: new Map(), finishReason: null, logprobs: null };
        this.choices.set(index, acc);
      }
      const delta = obj(choice.delta) ?? {};
      if (typeof delta.role === 'string') acc.role = delta.role;
      if (typeof delta.content === 'string') acc.content = (acc.content ?? '') + delta.content;
      if (typeof delta.refusal === 'string') acc.refusal = (acc.refusal ?? '') + delta.refusal;
      for (const t of arr(delta.tool_calls)) {
        const tc = obj(t);
        if (!tc) continue;
        const ti = num(tc.index);
        const cur = acc.toolCalls.get(ti) ?? { index: ti, function: { name: '', arguments: '' } };
        if (typeof tc.id === 'string') cur.id = tc.id;
        if (typeof tc.type === 'string') cur.type = tc.type;
        const fn = obj(tc.function);
        if (typeof fn?.name === 'string') cur.function.name += fn.name;
        if (typeof fn?.arguments === 'string') cur.function.arguments += fn.arguments;
        acc.toolCalls.set(ti, cur);
      }
      if (choice.finish_reason) acc.finishReason = choice.finish_reason;
      if (choice.logprobs) acc.logprobs = choice.logprobs;
    }
  }

  result(): Json {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => {
        const message: Json = { role: c.role ?? 'assistant', content: c.content, refusal: c.refusal };
        if (c.toolCalls.size > 0) {
          message.tool_calls = [...c.toolCalls.values()]
            .sort((a, b) => a.index - b.index)
            .map((t) => ({ id: t.id, type: t.type ?? 'function', function: t.function }));
        }
        return { index: c.index, message, logprobs: c.logprobs, finish_reason: c.finishReason };
      });
    return { ...this.base, object: 'chat.completion', choices, ...(this.usage ? { usage: this.usage } : {}) };
  }
}

function replayChat(body: Json, opts: { includeUsage: boolean }): string[] {
  const base = {
    id: body.id,
    object: 'chat.completion.chunk',
    created: body.created,
    model: body.model,
    ...(body.system_fingerprint !== undefined ? { system_fingerprint: body.system_fingerprint } : {}),
    ...(body.service_tier !== undefined ? { service_tier: body.service_tier } : {}),
  };
  const frames: string[] = [];
  const u = opts.includeUsage ? { usage: null } : {};
  for (const c of arr(body.choices)) {
    const choice = obj(c) ?? {};
    const msg = obj(choice.message) ?? {};
    const index = num(choice.index);
    // A tool-call-only answer has content null, and its first chunk says so (as OpenAI's does).
    const first = { role: msg.role ?? 'assistant', content: msg.content === null ? null : '' };
    frames.push(sseFrame({ ...base, choices: [{ index, delta: first, logprobs: null, finish_reason: null }], ...u }));
    if (typeof msg.content === 'string' && msg.content.length > 0) {
      frames.push(sseFrame({ ...base, choices: [{ index, delta: { content: msg.content }, logprobs: null, finish_reason: null }], ...u }));
    }
    if (typeof msg.refusal === 'string' && msg.refusal.length > 0) {
      frames.push(sseFrame({ ...base, choices: [{ index, delta: { refusal: msg.refusal }, logprobs: null, finish_reason: null }], ...u }));
    }
    const toolCalls = arr(msg.tool_calls).map((t, i) => ({ index: i, ...(obj(t) ?? {}) }));
    if (toolCalls.length > 0) frames.push(sseFrame({ ...base, choices: [{ index, delta: { tool_calls: toolCalls }, logprobs: null, finish_reason: null }], ...u }));
    frames.push(sseFrame({ ...base, choices: [{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason ?? 'stop' }], ...u }));
  }
  if (opts.includeUsage && body.usage) frames.push(sseFrame({ ...base, choices: [], usage: body.usage }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

class CompletionAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private base: Json = {};
  private usage: unknown;
  private texts = new Map<number, { text: string; finish: unknown }>();

  accept(frame: unknown, json: Json | undefined): void {
    if ((frame as { data: string }).data === '[DONE]') {
      this.complete = true;
      return;
    }
    if (!json) return;
    if (json.error) {
      this.error = obj(json.error) ?? {};
      return;
    }
    for (const k of ['id', 'created', 'model', 'system_fingerprint']) if (json[k] !== undefined && json[k] !== null) this.base[k] = json[k];
    if (json.usage) this.usage = json.usage;
    for (const c of arr(json.choices)) {
      const ch = obj(c);
      if (!ch) continue;
      const i = num(ch.index);
      const cur = this.texts.get(i) ?? { text: '', finish: null };
      if (typeof ch.text === 'string') cur.text += ch.text;
      if (ch.finish_reason) cur.finish = ch.finish_reason;
      this.texts.set(i, cur);
    }
  }

  result(): Json {
    const choices = [...this.texts.entries()].sort((a, b) => a[0] - b[0]).map(([index, c]) => ({ text: c.text, index, logprobs: null, finish_reason: c.finish }));
    return { ...this.base, object: 'text_completion', choices, ...(this.usage ? { usage: this.usage } : {}) };
  }
}

function replayCompletion(body: Json, opts: { includeUsage: boolean }): string[] {
  const base = { id: body.id, object: 'text_completion', created: body.created, model: body.model };
  const u = opts.includeUsage ? { usage: null } : {};
  const frames: string[] = [];
  for (const c of arr(body.choices)) {
    const ch = obj(c) ?? {};
    frames.push(sseFrame({ ...base, choices: [{ text: ch.text ?? '', index: num(ch.index), logprobs: null, finish_reason: null }], ...u }));
    frames.push(sseFrame({ ...base, choices: [{ text: '', index: num(ch.index), logprobs: null, finish_reason: ch.finish_reason ?? 'stop' }], ...u }));
  }
  if (opts.includeUsage && body.usage) frames.push(sseFrame({ ...base, choices: [], usage: body.usage }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

/** The Responses API's terminal event carries the whole response: that is the assembled body. */
class ResponsesAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private final: Json = {};

  accept(_frame: unknown, json: Json | undefined): void {
    if (!json) return;
    const type = json.type;
    if (type === 'response.completed') {
      this.final = obj(json.response) ?? {};
      this.complete = true;
    } else if (type === 'response.failed' || type === 'response.incomplete') {
      this.final = obj(json.response) ?? {};
      this.error = obj(obj(json.response)?.error) ?? { message: String(type) };
    } else if (type === 'error') {
      this.error = json;
    }
  }

  result(): Json {
    return this.final;
  }
}

function replayResponses(body: Json): string[] {
  let seq = 0;
  const ev = (type: string, o: Json) => sseFrame({ type, sequence_number: seq++, ...o }, type);
  const inProgress = { ...body, status: 'in_progress', output: [], usage: null };
  const frames = [ev('response.created', { response: inProgress }), ev('response.in_progress', { response: inProgress })];
  arr(body.output).forEach((item, outputIndex) => {
    const it = obj(item) ?? {};
    if (it.type === 'message') {
      frames.push(ev('response.output_item.added', { output_index: outputIndex, item: { ...it, status: 'in_progress', content: [] } }));
      arr(it.content).forEach((part, contentIndex) => {
        const p = obj(part) ?? {};
        const itemId = it.id;
        frames.push(ev('response.content_part.added', { item_id: itemId, output_index: outputIndex, content_index: contentIndex, part: { ...p, text: '' } }));
        if (p.type === 'output_text' && typeof p.text === 'string') {
          frames.push(ev('response.output_text.delta', { item_id: itemId, output_index: outputIndex, content_index: contentIndex, delta: p.text, logprobs: [] }));
          frames.push(ev('response.output_text.done', { item_id: itemId, output_index: outputIndex, content_index: contentIndex, text: p.text, logprobs: [] }));
        }
        frames.push(ev('response.content_part.done', { item_id: itemId, output_index: outputIndex, content_index: contentIndex, part: p }));
      });
    } else {
      frames.push(ev('response.output_item.added', { output_index: outputIndex, item: it }));
    }
    frames.push(ev('response.output_item.done', { output_index: outputIndex, item: it }));
  });
  frames.push(ev('response.completed', { response: body }));
  return frames;
}

function chatOutputText(body: Json): string {
  return arr(body.choices)
    .map((c) => {
      const m = obj(obj(c)?.message);
      const tools = arr(m?.tool_calls).map((t) => JSON.stringify(obj(t)?.function ?? {}));
      return [typeof m?.content === 'string' ? m.content : '', ...tools].join('\n');
    })
    .join('\n');
}

function responsesOutputText(body: Json): string {
  return arr(body.output)
    .flatMap((item) => arr(obj(item)?.content).map((p) => (typeof obj(p)?.text === 'string' ? (obj(p)?.text as string) : '')))
    .join('\n');
}

export const OPENAI_ENDPOINTS: EndpointSpec[] = [
  {
    id: 'chat.completions',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS['chat.completions']),
    billable: true,
    cacheable: true,
    usage: chatUsage,
    assembler: () => new ChatAssembler(),
    replay: replayChat,
    requestUsageInStream: includeUsageInStream,
    outputText: chatOutputText,
  },
  {
    id: 'completions',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS.completions),
    billable: true,
    cacheable: true,
    usage: chatUsage,
    assembler: () => new CompletionAssembler(),
    replay: replayCompletion,
    requestUsageInStream: includeUsageInStream,
    outputText: (b) => arr(b.choices).map((c) => String(obj(c)?.text ?? '')).join('\n'),
  },
  {
    id: 'responses',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS.responses),
    billable: true,
    cacheable: true,
    usage: usageNamed('input', 'output'),
    assembler: () => new ResponsesAssembler(),
    replay: (b) => replayResponses(b),
    outputText: responsesOutputText,
  },
  {
    id: 'embeddings',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS.embeddings),
    billable: true,
    cacheable: true,
    usage: (b) => {
      const u = obj(b.usage);
      return u ? { inputTokens: num(u.prompt_tokens), outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 } : undefined;
    },
  },
  ...(['models', 'models.retrieve'] as const).map(
    (id): EndpointSpec => ({ id, protocol: 'openai', method: 'GET', ...routePaths('openai', OPENAI_PATHS[id]), billable: false, cacheable: false, usage: () => undefined }),
  ),
];
