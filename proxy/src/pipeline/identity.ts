/**
 * Identity stage: picks the upstream provider, finds the API key (client's own, else the
 * provider's environment variable), derives its salted fingerprint and the cache namespace, and
 * collects tags from headers, the body's `user`/`safety_identifier`/`metadata` and the policy's key→tag mapping.
 */
import { createHmac } from 'node:crypto';
import { sha256 } from '../cache/canonical';
import { resolveTags } from '../governance/scope';
import { chooseAzureProvider, chooseProvider, obj } from '../providers';
import type { AuthHeader } from '../providers/protocol';
import type { Protocol } from '../providers/types';
import type { ResolvedProvider } from '../policy/schema';
import type { CallContext, Stage } from './context';
import { failCall } from './errors';

export function keyFingerprint(salt: string, key: string | undefined): string {
  if (!key) return 'tg_anonymous';
  return `tg_${createHmac('sha256', salt).update(key).digest('hex').slice(0, 16)}`;
}

/**
 * A client sends the same key on every request: the HMAC and the namespace hash were ~2 % of a
 * miss's CPU, so both are remembered per (salt, key, cache version). In memory only, bounded (a
 * client cycling keys empties the map rather than growing it); the map never leaves the process.
 */
const MEMO_MAX = 256;
const memo = new Map<string, { fingerprint: string; namespace: string }>();

function keyIdentity(salt: string, key: string | undefined, cacheVersion: number): { fingerprint: string; namespace: string } {
  const memoKey = `${cacheVersion}\u0000${salt}\u0000${key ?? ''}`;
  let found = memo.get(memoKey);
  if (!found) {
    const fingerprint = keyFingerprint(salt, key);
    found = { fingerprint, namespace: sha256(`${fingerprint}|v${cacheVersion}`).slice(0, 32) };
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(memoKey, found);
  }
  return found;
}

/** Query parameters some clients put their key in (Google-style `?key=`); the query is forwarded as it is. */
const QUERY_KEY_PARAMS = ['key', 'api-key', 'api_key'];

/** The request URL's query string without the `?` ('' when there is none). */
export function queryOf(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

/**
 * The API key a client sent (Bearer, x-api-key, Azure's api-key, Google's x-goog-api-key, else a
 * `?key=` parameter), if any. On the Anthropic protocol `x-api-key` comes first: the Anthropic SDK
 * given both a key and a token (ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN both set) sends both
 * headers, and the token, taken as the key, went on in `x-api-key`, where the API refuses it.
 */
export function clientKey(h: Record<string, string | string[] | undefined>, query = '', protocol: Protocol = 'openai'): string | undefined {
  const auth = typeof h.authorization === 'string' ? h.authorization : undefined;
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  const xApiKey = typeof h['x-api-key'] === 'string' ? h['x-api-key'].trim() : undefined;
  const azureKey = typeof h['api-key'] === 'string' ? h['api-key'].trim() : undefined;
  const googKey = typeof h['x-goog-api-key'] === 'string' ? h['x-goog-api-key'].trim() : undefined;
  const fromHeaders = (protocol === 'anthropic' ? xApiKey || bearer : bearer || xApiKey) || azureKey || googKey;
  if (fromHeaders || query === '') return fromHeaders || undefined;
  const params = new URLSearchParams(query);
  for (const name of QUERY_KEY_PARAMS) {
    const v = params.get(name)?.trim();
    if (v) return v;
  }
  return undefined;
}

/**
 * The header an Anthropic client's own credential goes on in, when not the provider's `x-api-key`:
 * the API takes a key in `x-api-key` and an OAuth access token (Claude Code signed in with a Claude
 * plan, `ANTHROPIC_AUTH_TOKEN`, the SDK's `authToken`) as `Authorization: Bearer`, and refuses the
 * token in `x-api-key`. A credential sent as Bearer alone goes on as Bearer; an Anthropic API key
 * (`sk-ant-api…`) sent as Bearer still goes in `x-api-key`, where the API reads keys.
 */
function anthropicAuthHeader(h: Record<string, string | string[] | undefined>, key: string): AuthHeader | undefined {
  const xApiKey = typeof h['x-api-key'] === 'string' && h['x-api-key'].trim() !== '';
  if (xApiKey || key.startsWith('sk-ant-api')) return undefined;
  return typeof h.authorization === 'string' && /^Bearer\s+\S/i.test(h.authorization) ? 'authorization' : undefined;
}

/** The header an Azure client sent its credential in: an Entra ID token as Bearer, else a resource key as `api-key`. */
function azureAuthHeader(h: Record<string, string | string[] | undefined>): AuthHeader | undefined {
  if (typeof h.authorization === 'string' && /^Bearer\s+\S/i.test(h.authorization)) return 'authorization';
  if (typeof h['api-key'] === 'string' && h['api-key'].trim() !== '') return 'api-key';
  return undefined;
}

/**
 * The provider's key from the proxy's environment, trimmed as a client's key is: one read from a
 * CRLF `.env` file or pasted with its newline made undici refuse the header, and every call was
 * answered 502 "the upstream connection failed (UND_ERR_INVALID_ARG)" (and retried) without being sent.
 */
export function environmentKey(ctx: CallContext, provider: ResolvedProvider): string | undefined {
  return ctx.services.env[provider.apiKeyEnv]?.trim() || undefined;
}

/**
 * `provider` as the client's own credential reaches it. Azure's deployment routes take a resource
 * key as `api-key` and an Entra ID token as `Authorization: Bearer`, and refuse either in the
 * other's header (AzureOpenAI sends each its own way); Anthropic takes an OAuth token as Bearer
 * only (anthropicAuthHeader): the credential goes on the way it came. A copy, for this call only.
 * Also applied when a fallback or a routing rule moves the call (providerSwitch.ts): the target's
 * configured header would put the same token where its API refuses it.
 */
export function withClientAuthHeader(ctx: CallContext, provider: ResolvedProvider, ownKey: string): ResolvedProvider {
  const h = ctx.req.headers;
  const azureHeader = ctx.endpoint.azureDeployment ? azureAuthHeader(h) : undefined;
  if (azureHeader) return azureHeader === provider.authHeader ? provider : { ...provider, authHeader: azureHeader };
  if (provider.kind === 'anthropic' && provider.authHeader === 'x-api-key' && anthropicAuthHeader(h, ownKey)) return { ...provider, authHeader: 'authorization' };
  return provider;
}

/**
 * A tag value: letters and digits of any script, space and `_ . : @ / + , # = | -`, 1–128 characters.
 * No control characters, quotes or angle brackets: tags reach the ledger, headers and the dashboard.
 * `|` is there because identity providers spell user ids with it (Auth0's `auth0|5f7c…`,
 * `google-oauth2|1234`): a multi-tenant backend passing its user id got a 400 (header) or an
 * untagged call (body `user`). No parentheses: `(none)` is the summary's key for untagged calls.
 */
const TAG_RE = /^[\p{L}\p{M}\p{N} _.:@/+,#=|-]{1,128}$/u;
const TAG_RULE = 'letters, digits, space and _ . : @ / + , # = | - (at most 128)';

/**
 * Prefixes of provider API keys and tokens (OpenAI/Anthropic/OpenRouter `sk-`, Stripe `sk_`, Groq,
 * xAI, Hugging Face, Google, GitHub, Replicate, Perplexity), optionally after `Bearer `.
 */
const SECRET_PREFIX = /^(?:bearer\s+)?(?:sk-|sk_|gsk_|xai-|hf_|aiza|ghp_|gho_|ghs_|github_pat_|r8_|pplx-)/i;

/**
 * A value that is (or looks like) an API key: the request's own key, or a known prefix followed by
 * a long random tail (32+ characters mixing upper case, lower case and digits, which ids and names
 * do not). Tags are stored in plain text — the ledger, its summaries and the dashboard, never
 * encrypted — so a key pasted as a user id (`x-tollgate-user: $OPENAI_API_KEY`) must not land there.
 */
export function looksLikeSecret(v: string, ownKey?: string): boolean {
  const bare = v.replace(/^bearer\s+/i, '');
  if (ownKey !== undefined && ownKey.length >= 8 && bare === ownKey) return true;
  const prefix = SECRET_PREFIX.exec(v);
  if (!prefix) return false;
  const tail = v.slice(prefix[0].length);
  return tail.length >= 32 && /^[\w-]+$/.test(tail) && /[A-Z]/.test(tail) && /[a-z]/.test(tail) && /\d/.test(tail);
}

/** A body field's value as a tag, or undefined when it is not one (or looks like a key). */
export function tagValue(v: unknown, ownKey?: string): string | undefined {
  return typeof v === 'string' && TAG_RE.test(v) && !looksLikeSecret(v, ownKey) ? v : undefined;
}

/**
 * The user in Claude Code's `metadata.user_id`, which is no tag as sent: since 2.1.78 a JSON object
 * in a string (`{"device_id":"<64 hex>","account_uuid":"<uuid or empty>","session_id":"<uuid>"}`;
 * quotes and braces), before that `user_<64 hex>_account_<uuid or empty>_session_<uuid>` (too long
 * with an account, else a different "user" per session). Every call of the agent ran untagged, or
 * under its session, outside per-user budgets. The user is the account when there is one, else the
 * installation's device id; never the session. Undefined for any other value (used as it is).
 */
export function agentUserId(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const legacy = /^user_([0-9a-f]{64})_account_([0-9a-f-]*)_session_[0-9a-f-]*$/i.exec(v);
  if (legacy) return legacy[2] || legacy[1];
  if (!v.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return undefined;
  }
  const o = obj(parsed);
  for (const k of ['account_uuid', 'account_id', 'device_id']) {
    const id = o?.[k];
    if (typeof id === 'string' && id.trim() !== '') return id.trim();
  }
  return undefined;
}

const TAG_HEADERS = { team: 'x-tollgate-team', feature: 'x-tollgate-feature', user: 'x-tollgate-user' } as const;

/**
 * The tags the request's own x-tollgate-* headers set. A header the client sent with a value that is
 * not a tag is an error, never dropped: the call would otherwise run untagged, outside the budgets
 * scoped to that tag. An empty header (an unset variable in a template) counts as not sent.
 *
 * Node joins a header sent twice into one value ("A, B"), and "A, B" is a valid tag: a gateway
 * adding `x-tollgate-team: ads` in front of an app sending `search` put the call under a team no
 * budget names. Repeats are read one by one (`headersDistinct`): the same value twice is that value,
 * different values are an error naming the header.
 */
function headerTags(
  h: Record<string, string | string[] | undefined>,
  distinct: () => Record<string, string[] | undefined> | undefined,
  ownKey: string | undefined,
): { tags: Partial<Record<keyof typeof TAG_HEADERS, string>> } | { error: string } {
  const tags: Partial<Record<keyof typeof TAG_HEADERS, string>> = {};
  for (const [tag, header] of Object.entries(TAG_HEADERS) as Array<[keyof typeof TAG_HEADERS, string]>) {
    let raw = h[header];
    if (raw === undefined) continue;
    // Only a joined value has repeats to split (node builds headersDistinct on first access).
    if (typeof raw === 'string' && raw.includes(',')) raw = distinct()?.[header] ?? raw;
    const values = [...new Set((Array.isArray(raw) ? raw : [raw]).map((x) => utf8Header(x).trim()).filter((x) => x !== ''))];
    if (values.length === 0) continue;
    if (values.length > 1) return { error: `${header} was sent ${values.length} times with different values; send it once` };
    const v = values[0]!;
    if (!TAG_RE.test(v)) return { error: `${header} must be ${TAG_RULE}; got ${v.length > 128 ? `${v.length} characters` : 'other characters'}` };
    // Never repeated in the message: it would reach logs and the ledger's error text.
    if (looksLikeSecret(v, ownKey)) return { error: `${header} looks like an API key; send an id or a name (a hash of the key, if it must be per key), never the key: tags are stored in plain text` };
    tags[tag] = v;
  }
  return { tags };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Node hands header values over as latin1 (one character per byte), while curl, Python's http.client
 * with bytes and most servers send non-ASCII values as UTF-8: `x-tollgate-team: søk` arrived as
 * `sÃ¸k` and failed the tag check. A value whose bytes are valid UTF-8 is read as UTF-8; anything
 * else keeps its latin1 reading.
 */
export function utf8Header(v: string): string {
  if (!/[\x80-\xff]/.test(v)) return v;
  try {
    return strictUtf8.decode(Buffer.from(v, 'latin1'));
  } catch {
    return v;
  }
}

/**
 * Request headers that hold one value: the credential headers and the ones forwarded upstream
 * that name one organization, project or API version. Node joins a repeated header into "A, B"
 * (authorization excepted: it keeps the first and drops the rest), which is right for a list
 * (`anthropic-beta`, `openai-beta`, `accept`) and wrong here: two keys went upstream as one
 * `x-api-key: keyA, keyB` (both handed to the provider), and `anthropic-version: 2023-06-01,
 * 2023-06-01` is no version the API knows.
 */
const SINGLE_VALUED: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'openai-organization',
  'openai-project',
  'anthropic-version',
  'anthropic-dangerous-direct-browser-access',
]);

/**
 * Reads the single-valued headers line by line (`rawHeaders`): a repeat with the same value is that
 * value (the joined one is replaced), different values are an error naming the header — never its
 * values, which may be keys.
 */
export function singleValuedHeaders(headers: Record<string, string | string[] | undefined>, rawHeaders: readonly string[]): string | undefined {
  let seen: Map<string, Set<string>> | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!SINGLE_VALUED.has(name)) continue;
    seen ??= new Map();
    const values = seen.get(name) ?? new Set<string>();
    values.add(rawHeaders[i + 1]!.trim());
    seen.set(name, values);
  }
  for (const [name, values] of seen ?? []) {
    if (values.size > 1) return `${name} was sent ${values.size} times with different values; send it once`;
    headers[name] = [...values][0];
  }
  return undefined;
}

export const identify: Stage = async (ctx, next) => {
  const repeated = singleValuedHeaders(ctx.req.headers, ctx.req.rawHeaders);
  if (repeated) {
    ctx.modelUsed = ctx.modelRequested;
    return failCall(ctx, 400, 'invalid_request_error', repeated);
  }
  const headerProvider = typeof ctx.req.headers['x-tollgate-provider'] === 'string' ? ctx.req.headers['x-tollgate-provider'] : undefined;
  // A deployment route goes to an Azure provider only, with the deployment as it is (no `name/` prefix).
  const choice = ctx.endpoint.azureDeployment
    ? chooseAzureProvider(ctx.services.providers(), ctx.modelRequested, headerProvider)
    : chooseProvider(ctx.services.providers(), ctx.endpoint.protocol, ctx.modelRequested, headerProvider);
  if ('error' in choice) {
    ctx.modelUsed = ctx.modelRequested;
    return failCall(ctx, 400, 'invalid_request_error', choice.error);
  }
  ctx.provider = choice.provider;
  ctx.modelUsed = choice.model;
  if (ctx.body.model !== undefined && choice.model !== ctx.modelRequested) ctx.body.model = choice.model;

  // Placeholders some SDKs insist on (e.g. "sk-dummy" when the proxy holds the key) are not keys.
  const query = queryOf(ctx.req.url);
  const fromClient = clientKey(ctx.req.headers, query, ctx.endpoint.protocol);
  const placeholder = fromClient !== undefined && /^(tollgate|dummy|sk-dummy|none|placeholder)$/i.test(fromClient);
  const ownKey = !placeholder && fromClient ? fromClient : undefined;
  ctx.apiKey = ownKey ?? environmentKey(ctx, choice.provider);
  if (ownKey) ctx.provider = withClientAuthHeader(ctx, choice.provider, ownKey);
  const policy = ctx.services.policy.policy;
  const id = keyIdentity(ctx.services.salt, ctx.apiKey, policy.cache.version);
  ctx.keyFingerprint = id.fingerprint;
  ctx.namespace = id.namespace;

  const fromHeaders = headerTags(ctx.req.headers, () => ctx.req.headersDistinct, ctx.apiKey);
  if ('error' in fromHeaders) return failCall(ctx, 400, 'invalid_request_error', fromHeaders.error);
  const h = fromHeaders.tags;
  const meta = obj(ctx.body.metadata);
  // Request tags (headers, then the OpenAI user/safety_identifier/metadata and Anthropic
  // metadata.user_id fields, Claude Code's read by agentUserId; those body fields serve other
  // purposes too, so a value that is not a tag is skipped there); resolveTags lets a key mapped in
  // the policy win, so it cannot claim another team by header. `safety_identifier` is OpenAI's successor to the deprecated `user`
  // (the AI SDK's `safetyIdentifier`): apps that moved to it ran untagged, outside per-user budgets.
  const tag = (v: unknown) => tagValue(v, ctx.apiKey);
  const { keyFingerprint: _fp, ...tags } = resolveTags(
    ctx.keyFingerprint,
    {
      team: h.team ?? tag(meta?.team),
      feature: h.feature ?? tag(meta?.feature),
      user: h.user ?? tag(ctx.body.user) ?? tag(ctx.body.safety_identifier) ?? tag(agentUserId(meta?.user_id) ?? meta?.user_id) ?? tag(meta?.user),
    },
    policy,
  );
  ctx.tags = tags;

  const missing = policy.tags.required.filter((t) => !ctx.tags[t]);
  if (missing.length > 0) {
    return failCall(ctx, 400, 'invalid_request_error', `the team policy requires the tag(s) ${missing.join(', ')}: send x-tollgate-${missing[0]} header`);
  }
  await next();
};
