/**
 * Canonical JSON and request hashing for the exact cache. Object keys are sorted and whitespace
 * is irrelevant, so key order or formatting never causes a miss; every parameter is part of the
 * key except the few that only change framing or attribution (listed below, and documented).
 */
import { hash } from 'node:crypto';

/** Sorted keys, no whitespace, `undefined` members dropped (array slots: null). Built by appending: no array per level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += `${i ? ',' : ''}${value[i] === undefined ? 'null' : canonicalJson(value[i])}`;
    return `${out}]`;
  }
  out = '{';
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * Fields that do not change what the model answers: `stream`/`stream_options` only change
 * framing (a hit is replayed in the client's framing); `user`, `metadata` and OpenAI's
 * `safety_identifier` are attribution tags, as is the Codex CLI's `client_metadata` (its
 * installation, session and turn ids: new on every turn, so no Codex call was ever a hit);
 * `prompt_cache_key` / `prompt_cache_retention` steer the provider's own prompt cache (price and
 * latency, never the text).
 */
export const KEY_EXCLUDED_FIELDS = ['stream', 'stream_options', 'user', 'metadata', 'client_metadata', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention'] as const;

/**
 * Request headers Tollgate forwards that change the answer: beta features (`anthropic-beta`
 * turns on interleaved thinking, longer outputs, new tools; `openai-beta`), the API version,
 * and the OpenAI organization / project (project-scoped files, prompts, stored responses).
 */
export const KEY_HEADERS = ['anthropic-beta', 'anthropic-version', 'openai-beta', 'openai-organization', 'openai-project'] as const;

/** Comma-separated lists of flags: order and spacing do not change what is turned on. */
const LIST_HEADERS = new Set<string>(['anthropic-beta', 'openai-beta']);

/** A provider's configured `KEY_HEADERS` by lower-case name, per headers object (a policy reload makes new ones). */
const configuredByProvider = new WeakMap<Readonly<Record<string, string>>, Readonly<Partial<Record<string, string>>>>();

function configuredKeyHeaders(provider: Readonly<Record<string, string>>): Readonly<Partial<Record<string, string>>> {
  let found = configuredByProvider.get(provider);
  if (!found) {
    const byName: Partial<Record<string, string>> = {};
    for (const k in provider) if ((KEY_HEADERS as readonly string[]).includes(k.toLowerCase())) byName[k.toLowerCase()] ??= provider[k];
    found = byName;
    configuredByProvider.set(provider, found);
  }
  return found;
}

/**
 * The `KEY_HEADERS` the upstream receives, as they are part of the key: a provider's configured
 * header wins over the client's (as when forwarding), and a value equal to the protocol's default
 * (`anthropic-version: 2023-06-01`, sent when the client gives none) counts as absent, so sending
 * it or not never splits the key. Empty when none applies: such keys are those of earlier versions.
 */
export function keyHeaders(
  client: Readonly<Record<string, string | string[] | undefined>>,
  provider: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const configured = configuredKeyHeaders(provider);
  for (const name of KEY_HEADERS) {
    const raw = configured[name] ?? client[name];
    let value = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).trim();
    if (LIST_HEADERS.has(name)) value = [...new Set(value.split(',').map((v) => v.trim()).filter(Boolean))].sort().join(',');
    if (value !== '' && value !== defaults[name]) out[name] = value;
  }
  return out;
}

export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Anthropic's `cache_control` marks where the provider's prompt cache may break the prompt: it
 * changes what the call is billed (cache writes and reads), never the answer, and clients move the
 * breakpoint to the newest turn on every call. Keyed without it, so the same prompt with and
 * without a breakpoint is one request. Parts and tools without one are returned as they are.
 */
function withoutCacheControl(parts: unknown): unknown {
  if (!Array.isArray(parts) || !parts.some((p) => isObj(p) && 'cache_control' in p)) return parts;
  return parts.map((p) => {
    if (!isObj(p) || !('cache_control' in p)) return p;
    const { cache_control: _ignored, ...rest } = p;
    return rest;
  });
}

/**
 * A content value made of one plain text part (`[{type: "text", text}]`, or `input_text` in the
 * Responses API) is the same request as that text as a string — the APIs read a string as exactly
 * that part — so it is keyed as the string (a `cache_control` breakpoint aside). A part with
 * anything more (citations) is kept as it is.
 */
function plainText(value: unknown): unknown {
  const content = withoutCacheControl(value);
  if (!Array.isArray(content) || content.length !== 1) return content;
  const part: unknown = content[0];
  if (!isObj(part) || (part.type !== 'text' && part.type !== 'input_text') || typeof part.text !== 'string') return content;
  return Object.keys(part).length === 2 ? part.text : content;
}

function plainTurns(turns: unknown): unknown {
  if (!Array.isArray(turns)) return turns;
  return turns.map((t) => (isObj(t) && t.content !== undefined ? { ...t, content: plainText(t.content) } : t));
}

/**
 * The body as it is keyed (exact key and semantic context alike): without `KEY_EXCLUDED_FIELDS`,
 * without `cache_control` breakpoints (content parts, tools), and with single-text-part contents
 * (Anthropic `system`, message / input turns) as strings.
 */
export function keyedBody(body: Obj): Obj {
  // No prototype: JSON.parse gives a body key `__proto__` as an own field (the upstream receives
  // it), but assigned to a plain object it sets the prototype instead and left the key — whose
  // fields (`system`, …) were then read through it: a body whose `__proto__` held a system prompt
  // the upstream never applied was keyed as that system prompt, and replayed to real requests with it.
  const keyed = Object.create(null) as Obj;
  for (const k in body) if (!(KEY_EXCLUDED_FIELDS as readonly string[]).includes(k)) keyed[k] = body[k];
  if (keyed.system !== undefined) keyed.system = plainText(keyed.system);
  if (keyed.tools !== undefined) keyed.tools = withoutCacheControl(keyed.tools);
  if (keyed.messages !== undefined) keyed.messages = plainTurns(keyed.messages);
  if (keyed.input !== undefined) keyed.input = plainTurns(keyed.input);
  return keyed;
}

/** `headers`: from `keyHeaders`; none (the common case) leaves the key as it always was. */
export function exactCacheKey(namespace: string, endpoint: string, provider: string, body: Obj, headers: Readonly<Record<string, string>> = {}): string {
  const keyed = keyedBody(body);
  const headerPart = Object.keys(headers).length > 0 ? `\n${canonicalJson(headers)}` : '';
  return sha256(`${namespace}\n${endpoint}\n${provider}\n${canonicalJson(keyed)}${headerPart}`);
}
