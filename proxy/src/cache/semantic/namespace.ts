/**
 * Which requests may be answered semantically, and the "context" they must share exactly.
 *
 * Two requests may share a semantic hit only when everything except the text of the last user
 * turn is identical: endpoint, model, system prompt, earlier turns, tools and every sampling or
 * format parameter. That identity is `contextHash`; the similarity search then runs only among
 * entries with the same hash (the lead adds the API-key namespace and the embedder model id).
 * Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, keyedBody } from '../canonical';

export type SemanticEndpoint = 'chat.completions' | 'messages' | 'responses' | 'completions';

export type SemanticKey =
  | { eligible: true; contextHash: string; lastUserText: string }
  | { eligible: false; reason: string };

/** Stands in for the last user turn's text inside the hashed context. */
const LAST_TURN_PLACEHOLDER = '\u0000tollgate:last-user-text\u0000';

/** Bump when the hashed shape changes, so old entries can never match new requests. */
const CONTEXT_VERSION = 1;

type Obj = Record<string, unknown>;

class Ineligible extends Error {}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(reason: string): never {
  throw new Ineligible(reason);
}

/** Text of a content value made only of text parts (`types` names the text part types). */
function textOnly(content: unknown, textTypes: readonly string[], where: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) fail(`${where} has no text content`);
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') {
      texts.push(part);
      continue;
    }
    if (!isObj(part) || typeof part.type !== 'string') fail(`${where} has an unrecognised content part`);
    if (!textTypes.includes(part.type) || typeof part.text !== 'string') fail(`${where} contains non-text content (${part.type})`);
    texts.push(part.text);
  }
  return texts.join('\n');
}

function checkN(body: Obj): void {
  if (body.n !== undefined && body.n !== null && body.n !== 1) fail('n > 1 asks for several answers');
}

/**
 * Log probabilities are scored on the exact prompt: a stored answer's belong to another prompt's
 * tokens (chat and legacy `logprobs`, vLLM's `prompt_logprobs`, Responses `include: ["message.output_text.logprobs"]`).
 */
function checkLogprobs(body: Obj): void {
  const asked = (body.logprobs ?? false) !== false || (body.prompt_logprobs ?? null) !== null || (Array.isArray(body.include) && body.include.includes('message.output_text.logprobs'));
  if (asked) fail('logprobs are computed on the exact prompt');
}

/**
 * OpenAI-style forcing: "required", a named function/tool, or `allowed_tools` in "required" mode (its
 * "auto" mode only narrows the tools, which the context hash holds). Anthropic: "any" or a named tool.
 */
function checkToolChoice(body: Obj): void {
  const tc = body.tool_choice;
  if (tc === undefined || tc === null || tc === 'auto' || tc === 'none') return;
  if (isObj(tc) && (tc.type === 'auto' || tc.type === 'none')) return;
  // Chat Completions nests the mode ({allowed_tools: {mode}}); the Responses API puts it beside the type.
  if (isObj(tc) && tc.type === 'allowed_tools' && (tc.mode ?? (isObj(tc.allowed_tools) ? tc.allowed_tools.mode : undefined)) === 'auto') return;
  fail('tool_choice forces a tool call');
}

function requireText(text: string): string {
  if (text.trim() === '') fail('the last user turn has no text');
  return text;
}

function chatCompletions(body: Obj): { context: Obj; text: string } {
  checkN(body);
  checkLogprobs(body);
  checkToolChoice(body);
  if (body.functions !== undefined && body.function_call !== undefined && body.function_call !== 'auto' && body.function_call !== 'none') {
    fail('function_call forces a tool call');
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) fail('no messages');
  for (const m of messages) {
    if (!isObj(m)) fail('a message is not an object');
    if (m.role === 'tool' || m.role === 'function') fail('the conversation contains tool results');
    if (m.tool_calls !== undefined || m.function_call !== undefined) fail('the conversation contains tool calls');
  }
  const last = messages[messages.length - 1] as Obj;
  if (last.role !== 'user') fail('the last message is not a user turn');
  const text = requireText(textOnly(last.content, ['text', 'input_text'], 'the last user turn'));
  const context = { ...body, messages: [...messages.slice(0, -1), { ...last, content: LAST_TURN_PLACEHOLDER }] };
  return { context, text };
}

function anthropicMessages(body: Obj): { context: Obj; text: string } {
  checkToolChoice(body);
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) fail('no messages');
  for (const m of messages) {
    if (!isObj(m)) fail('a message is not an object');
    if (Array.isArray(m.content) && m.content.some((p) => isObj(p) && (p.type === 'tool_use' || p.type === 'tool_result'))) {
      fail('the conversation contains tool calls');
    }
  }
  const last = messages[messages.length - 1] as Obj;
  if (last.role !== 'user') fail('the last message is not a user turn');
  const text = requireText(textOnly(last.content, ['text'], 'the last user turn'));
  const context = { ...body, messages: [...messages.slice(0, -1), { ...last, content: LAST_TURN_PLACEHOLDER }] };
  return { context, text };
}

function responses(body: Obj): { context: Obj; text: string } {
  checkN(body);
  checkLogprobs(body);
  checkToolChoice(body);
  const input = body.input;
  if (typeof input === 'string') return { context: { ...body, input: LAST_TURN_PLACEHOLDER }, text: requireText(input) };
  if (!Array.isArray(input) || input.length === 0) fail('no input');
  for (const item of input) {
    if (!isObj(item)) fail('an input item is not an object');
    const t = item.type;
    if (typeof t === 'string' && t !== 'message') fail(`the input contains a ${t} item`);
  }
  const last = input[input.length - 1] as Obj;
  if (last.role !== 'user') fail('the last input item is not a user turn');
  const text = requireText(textOnly(last.content, ['input_text', 'text'], 'the last user turn'));
  return { context: { ...body, input: [...input.slice(0, -1), { ...last, content: LAST_TURN_PLACEHOLDER }] }, text };
}

function completions(body: Obj): { context: Obj; text: string } {
  checkN(body);
  checkLogprobs(body);
  // Answers that contain the exact prompt text: `echo` returns the prompt itself, `suffix` asks
  // for text that joins this exact prompt to the suffix.
  if (body.echo !== undefined && body.echo !== null && body.echo !== false) fail('echo returns the prompt itself');
  if (typeof body.suffix === 'string' && body.suffix !== '') fail('suffix completes the exact prompt');
  let prompt = body.prompt;
  if (Array.isArray(prompt)) {
    if (prompt.length !== 1 || typeof prompt[0] !== 'string') fail('the prompt is not a single string');
    prompt = prompt[0];
  }
  if (typeof prompt !== 'string') fail('the prompt is not text');
  return { context: { ...body, prompt: LAST_TURN_PLACEHOLDER }, text: requireText(prompt) };
}

const EXTRACTORS: Record<SemanticEndpoint, (body: Obj) => { context: Obj; text: string }> = {
  'chat.completions': chatCompletions,
  messages: anthropicMessages,
  responses,
  completions,
};

/**
 * Decide whether a request may use the semantic cache and, if so, return the hash of its
 * context (everything but the last user text) and that text.
 */
export function semanticKey(endpoint: SemanticEndpoint, body: unknown): SemanticKey {
  if (!isObj(body)) return { eligible: false, reason: 'the body is not a JSON object' };
  const extract = EXTRACTORS[endpoint];
  if (!extract) return { eligible: false, reason: `unknown endpoint ${String(endpoint)}` };
  try {
    const { context, text } = extract(body);
    const kept = keyedBody(context);
    const contextHash = createHash('sha256')
      .update(canonicalJson({ v: CONTEXT_VERSION, endpoint, body: kept }))
      .digest('hex');
    return { eligible: true, contextHash, lastUserText: text };
  } catch (err) {
    if (err instanceof Ineligible) return { eligible: false, reason: err.message };
    throw err;
  }
}
