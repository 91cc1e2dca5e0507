/**
 * Successful answers (HTTP 200, complete) that no cache may keep: replayed, they would be served
 * for every identical request until the entry expires, although the provider may well answer that
 * request properly the next time.
 *
 *  - Nothing at all: no choice, an empty content list, no output item, or only empty text (a
 *    provider glitch — Anthropic's empty `end_turn` — that a retry answers).
 *  - Stopped by a content filter (`finish_reason: "content_filter"`, Responses
 *    `incomplete_details.reason: "content_filter"`): the filter judged this one sample, and its
 *    settings change; the next sample may pass.
 *  - A refusal (`message.refusal`, a Responses `refusal` part, Anthropic `stop_reason: "refusal"`,
 *    which also cuts the answer short): a sampled decision a user retries or reports.
 *  - A paused turn (Anthropic `stop_reason: "pause_turn"`): the server stopped its tool loop (web
 *    search, code execution) partway, by its own time and iteration limits, and the caller sends
 *    the turn back to have it finished, often naming the `container` the loop ran in. Replayed, it
 *    would hand later callers a half-done turn tied to server state that may since have expired,
 *    where the provider might finish the turn in one go.
 *  - A tool call cut by the output limit (`finish_reason: "length"` with arguments that are not
 *    JSON, Anthropic `max_tokens` ending in a tool call block — `tool_use`, `server_tool_use`,
 *    `mcp_tool_use` — whose input the stream assembler could not read): no tool can run it, and a
 *    replay never lets the caller out of that state.
 *
 *  - Nested deeper than MAX_DEPTH (legal JSON the SDKs read): JSON.stringify, which a stream replay
 *    of the entry needs, runs out of stack on it, so every streaming request for the key missed the
 *    cache and was billed again while the entry stayed.
 *
 * Text cut by the output limit is kept: it is what the provider returns again for the same
 * `max_tokens`, and asking for more changes the key. A body without the endpoint's answer field
 * (`choices`, `content`, `output`) is not judged: only recognised answers are. Pure: no I/O.
 */
import { arr as list, nestsDeeperThan } from '../providers/types';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;

function isJson(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function chatReason(body: Obj): string | undefined {
  if (!Array.isArray(body.choices)) return undefined;
  const choices = list(body.choices).filter(isObj);
  if (choices.length === 0) return 'the answer has no choices';
  let anything = false;
  for (const c of choices) {
    if (c.finish_reason === 'content_filter') return 'a content filter stopped the answer';
    const m = isObj(c.message) ? c.message : {};
    if (nonEmpty(m.refusal)) return 'the model refused';
    const calls = list(m.tool_calls).filter(isObj);
    if (c.finish_reason === 'length' && calls.some((t) => !isJson(isObj(t.function) ? t.function.arguments : undefined))) {
      return 'the output limit cut a tool call short';
    }
    // Content may also be a list of parts (Mistral's thinking/text chunks): any part is an answer.
    const content = nonEmpty(m.content) || (Array.isArray(m.content) && m.content.length > 0);
    if (content || calls.length > 0 || m.function_call != null || m.audio != null) anything = true;
  }
  return anything ? undefined : 'the answer is empty';
}

function completionReason(body: Obj): string | undefined {
  if (!Array.isArray(body.choices)) return undefined;
  const choices = list(body.choices).filter(isObj);
  if (choices.length === 0) return 'the answer has no choices';
  if (choices.some((c) => c.finish_reason === 'content_filter')) return 'a content filter stopped the answer';
  return choices.some((c) => nonEmpty(c.text)) ? undefined : 'the answer is empty';
}

function messagesReason(body: Obj): string | undefined {
  if (body.stop_reason === 'refusal') return 'the model refused';
  if (body.stop_reason === 'pause_turn') return 'the turn is paused, not finished';
  if (!Array.isArray(body.content)) return undefined;
  const blocks = list(body.content).filter(isObj);
  const last = blocks.at(-1);
  // Any tool call block: a client `tool_use`, a `server_tool_use`, or the MCP connector's `mcp_tool_use`.
  if (body.stop_reason === 'max_tokens' && typeof last?.type === 'string' && last.type.endsWith('tool_use')) return 'the output limit cut a tool call short';
  // Any block but an empty text one is an answer (tool use, thinking, server tool results).
  return blocks.some((b) => b.type !== 'text' || nonEmpty(b.text)) ? undefined : 'the answer is empty';
}

function responsesReason(body: Obj): string | undefined {
  const details = isObj(body.incomplete_details) ? body.incomplete_details : {};
  if (body.status === 'incomplete' && details.reason === 'content_filter') return 'a content filter stopped the answer';
  // `completed`, or `incomplete` by max_output_tokens (text cut by the limit, as above); never
  // `failed`, `cancelled`, or a background response still `queued` / `in_progress`.
  if (typeof body.status === 'string' && body.status !== 'completed' && body.status !== 'incomplete') return `the response is ${body.status}`;
  if (!Array.isArray(body.output)) return undefined;
  const items = list(body.output).filter(isObj);
  if (items.length === 0) return 'the answer is empty';
  for (const it of items) {
    if (list(it.content).some((p) => isObj(p) && p.type === 'refusal')) return 'the model refused';
    if (body.status === 'incomplete' && it.type === 'function_call' && !isJson(it.arguments)) return 'the output limit cut a tool call short';
  }
  return undefined;
}

/**
 * Levels of arrays and objects an answer may nest. JSON.stringify recurses and fails a few
 * thousand levels down under Node's default stack; real answers nest a dozen.
 */
export const MAX_DEPTH = 1000;

/**
 * The edition of these rules, stored with each entry (exactCache.ts): an entry checked under an
 * older edition (or none: an earlier version's) is checked again at its next hit, once. Raise it
 * with any new or stricter rule.
 */
export const STORABLE_RULES = 1;

/** Why the 200 answer `body` of `endpoint` must not be cached; undefined when it may. */
export function unstorableReason(endpoint: string, body: Obj): string | undefined {
  if (nestsDeeperThan(body, MAX_DEPTH)) return `the answer nests more than ${MAX_DEPTH} levels deep`;
  switch (endpoint) {
    case 'chat.completions':
      return chatReason(body);
    case 'completions':
      return completionReason(body);
    case 'messages':
      return messagesReason(body);
    case 'responses':
      return responsesReason(body);
    default:
      return undefined;
  }
}
