/**
 * Anthropic Messages API: JSON and its named SSE events, plus count_tokens.
 * Anthropic's `input_tokens` excludes cache reads and writes; normalised usage adds them back so
 * that `inputTokens` is the total, as pricing expects. Usage also keeps what genai-prices bills apart
 * (its Anthropic extractor reads the same fields): 1-hour cache writes (`cache_creation`) and
 * server-side web searches (`server_tool_use`).
 * A stream's text blocks gather their `citations_delta` events, and a replay sends them back, so a
 * cached answer keeps its citations.
 */
import { sseFrame } from './sse';
import { arr, num, obj, type EndpointSpec, type Json, type NormalizedUsage, type StreamAssembler } from './types';
import { ANTHROPIC_PATHS, routePaths } from './protocol';

function messagesUsage(body: Json): NormalizedUsage | undefined {
  const u = obj(body.usage);
  if (!u) return undefined;
  const read = num(u.cache_read_input_tokens);
  const write = num(u.cache_creation_input_tokens);
  const write1h = num(obj(u.cache_creation)?.ephemeral_1h_input_tokens);
  // A search is billed once it ran, but a stream cut after its results (an error event, a client
  // that hung up) never gets message_delta's count, and message_start's says 0: each successful
  // web_search_tool_result block in the answer is one search (an error result is not billed).
  const searches = Math.max(num(obj(u.server_tool_use)?.web_search_requests), arr(body.content).filter((c) => obj(c)?.type === 'web_search_tool_result' && Array.isArray(obj(c)?.content)).length);
  return {
    inputTokens: num(u.input_tokens) + read + write,
    outputTokens: num(u.output_tokens),
    cachedTokens: read,
    cacheWriteTokens: write,
    ...(write1h ? { cacheWrite1hTokens: write1h } : {}),
    ...(searches ? { webSearches: searches } : {}),
  };
}

interface BlockAcc {
  block: Json;
  text: string;
  partialJson: string;
  thinking: string;
  signature: string;
  citations: unknown[];
}

class MessagesAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private message: Json = {};
  private blocks = new Map<number, BlockAcc>();

  accept(_frame: unknown, json: Json | undefined): void {
    if (!json) return;
    switch (json.type) {
      case 'message_start':
        this.message = Object.assign(Object.create(null), obj(json.message)); // no prototype: an upstream key `__proto__` stays a field
        break;
      case 'content_block_start':
        this.blocks.set(num(json.index), { block: { ...(obj(json.content_block) ?? {}) }, text: '', partialJson: '', thinking: '', signature: '', citations: [] });
        break;
      case 'content_block_delta': {
        const acc = this.blocks.get(num(json.index));
        const d = obj(json.delta) ?? {};
        if (!acc) break;
        if (d.type === 'text_delta' && typeof d.text === 'string') acc.text += d.text;
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string') acc.partialJson += d.partial_json;
        else if (d.type === 'thinking_delta' && typeof d.thinking === 'string') acc.thinking += d.thinking;
        else if (d.type === 'signature_delta' && typeof d.signature === 'string') acc.signature += d.signature;
        else if (d.type === 'citations_delta' && obj(d.citation)) acc.citations.push(d.citation);
        break;
      }
      case 'message_delta': {
        const d = obj(json.delta) ?? {};
        for (const [k, v] of Object.entries(d)) this.message[k] = v;
        // Context editing reports what it cleared beside the delta (beta `context_management`).
        if (json.context_management !== undefined) this.message.context_management = json.context_management;
        // Cumulative counts; a null one means "unchanged" (as the SDK reads it), so it must not
        // erase message_start's figure. message_start's `cache_creation` TTL split is kept.
        const u = obj(json.usage);
        if (u) this.message.usage = { ...(obj(this.message.usage) ?? {}), ...Object.fromEntries(Object.entries(u).filter(([, v]) => v != null)) };
        break;
      }
      case 'message_stop':
        this.complete = true;
        break;
      case 'error':
        this.error = obj(json.error) ?? { message: 'stream error' };
        break;
    }
  }

  result(): Json {
    const content = [...this.blocks.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, acc]) => {
        const b = { ...acc.block };
        if (b.type === 'text') {
          b.text = String(b.text ?? '') + acc.text;
          if (acc.citations.length) b.citations = [...arr(b.citations), ...acc.citations];
        }
        // Every tool call block streams its input as input_json_delta: client tools, server tools
        // (web search, code execution) and the MCP connector's `mcp_tool_use`.
        if (acc.partialJson || b.type === 'tool_use' || b.type === 'server_tool_use') {
          try {
            b.input = acc.partialJson ? (JSON.parse(acc.partialJson) as unknown) : (b.input ?? {});
          } catch {
            b.input = {};
          }
        }
        if (b.type === 'thinking') {
          b.thinking = String(b.thinking ?? '') + acc.thinking;
          if (acc.signature) b.signature = acc.signature;
        }
        return b;
      });
    return { ...this.message, content };
  }
}

function replayMessages(body: Json): string[] {
  const usage = obj(body.usage) ?? {};
  const frames = [
    sseFrame({ type: 'message_start', message: { ...body, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } } }, 'message_start'),
  ];
  arr(body.content).forEach((c, index) => {
    const block = obj(c) ?? {};
    if (block.type === 'text') {
      // Citations go as citations_delta events (the SDK appends each to the block's list), so the
      // start event carries an empty list rather than them twice.
      const citations = arr(block.citations);
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { ...block, text: '', ...(citations.length ? { citations: [] } : {}) } }, 'content_block_start'));
      for (const citation of citations) frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'citations_delta', citation } }, 'content_block_delta'));
      frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text ?? '' } }, 'content_block_delta'));
    } else if (block.type === 'tool_use') {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { ...block, input: {} } }, 'content_block_start'));
      frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) } }, 'content_block_delta'));
    } else if (block.type === 'thinking') {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { ...block, thinking: '', signature: '' } }, 'content_block_start'));
      frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking ?? '' } }, 'content_block_delta'));
      if (block.signature) frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }, 'content_block_delta'));
    } else {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: block }, 'content_block_start'));
    }
    frames.push(sseFrame({ type: 'content_block_stop', index }, 'content_block_stop'));
  });
  // The beta SDK sets `container` (code execution) and `context_management` (context editing) from
  // message_delta, whatever message_start said: a replay that left them out would erase them.
  const delta: Json = { stop_reason: body.stop_reason ?? 'end_turn', stop_sequence: body.stop_sequence ?? null, ...('container' in body ? { container: body.container } : {}) };
  const context = 'context_management' in body ? { context_management: body.context_management } : {};
  frames.push(sseFrame({ type: 'message_delta', delta, ...context, usage: { output_tokens: num(usage.output_tokens) } }, 'message_delta'));
  frames.push(sseFrame({ type: 'message_stop' }, 'message_stop'));
  return frames;
}

export const ANTHROPIC_ENDPOINTS: EndpointSpec[] = [
  {
    id: 'messages',
    protocol: 'anthropic',
    method: 'POST',
    ...routePaths('anthropic', ANTHROPIC_PATHS.messages),
    routable: true,
    billable: true,
    cacheable: true,
    usage: messagesUsage,
    assembler: () => new MessagesAssembler(),
    replay: (b) => replayMessages(b),
    // What a cut stream's output is estimated from: text, tool input, and thinking (billed as output,
    // and often most of it: a stream cut while the model thinks has no other text).
    outputText: (b) =>
      arr(b.content)
        .map((c) => {
          const block = obj(c) ?? {};
          if (typeof block.thinking === 'string') return block.thinking;
          return typeof block.text === 'string' ? block.text : block.input ? JSON.stringify(block.input) : '';
        })
        .join('\n'),
  },
  {
    id: 'messages.count_tokens',
    protocol: 'anthropic',
    method: 'POST',
    ...routePaths('anthropic', ANTHROPIC_PATHS['messages.count_tokens']),
    routable: false,
    billable: false,
    cacheable: false,
    usage: () => undefined,
  },
  ...(['models', 'models.retrieve'] as const).map(
    (id): EndpointSpec => ({ id, protocol: 'anthropic', method: 'GET', ...routePaths('anthropic', ANTHROPIC_PATHS[id]), routable: false, billable: false, cacheable: false, usage: () => undefined }),
  ),
];
