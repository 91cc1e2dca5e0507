/**
 * Identity stage: picks the upstream provider, finds the API key (client's own, else the
 * provider's environment variable), derives its salted fingerprint and the cache namespace, and
 * collects tags from headers, the body's `user`/`metadata` and the policy's key→tag mapping.
 */
import { createHmac } from 'node:crypto';
import { sha256 } from '../cache/canonical';
import { resolveTags } from '../governance/scope';
import { chooseProvider, obj } from '../providers';
import type { Stage } from './context';
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

/** The API key a client sent (Bearer, x-api-key, Azure's api-key, Google's x-goog-api-key, else a `?key=` parameter), if any. */
export function clientKey(h: Record<string, string | string[] | undefined>, query = ''): string | undefined {
  const auth = typeof h.authorization === 'string' ? h.authorization : undefined;
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  const xApiKey = typeof h['x-api-key'] === 'string' ? h['x-api-key'].trim() : undefined;
  const azureKey = typeof h['api-key'] === 'string' ? h['api-key'].trim() : undefined;
  const googKey = typeof h['x-goog-api-key'] === 'string' ? h['x-goog-api-key'].trim() : undefined;
  const fromHeaders = bearer || xApiKey || azureKey || googKey;
  if (fromHeaders || query === '') return fromHeaders || undefined;
  const params = new URLSearchParams(query);
  for (const name of QUERY_KEY_PARAMS) {
    const v = params.get(name)?.trim();
    if (v) return v;
  }
  return undefined;
}

/**
 * A tag value: letters and digits of any script, space and `_ . : @ / + , # = -`, 1–128 characters.
 * No control characters, quotes or angle brackets: tags reach the ledger, headers and the dashboard.
 */
const TAG_RE = /^[\p{L}\p{M}\p{N} _.:@/+,#=-]{1,128}$/u;
const TAG_RULE = 'letters, digits, space and _ . : @ / + , # = - (at most 128)';

export function tagValue(v: unknown): string | undefined {
  return typeof v === 'string' && TAG_RE.test(v) ? v : undefined;
}

const TAG_HEADERS = { team: 'x-tollgate-team', feature: 'x-tollgate-feature', user: 'x-tollgate-user' } as const;

/**
 * The tags the request's own x-tollgate-* headers set. A header the client sent with a value that is
 * not a tag is an error, never dropped: the call would otherwise run untagged, outside the budgets
 * scoped to that tag. An empty header (an unset variable in a template) counts as not sent.
 */
function headerTags(h: Record<string, string | string[] | undefined>): { tags: Partial<Record<keyof typeof TAG_HEADERS, string>> } | { error: string } {
  const tags: Partial<Record<keyof typeof TAG_HEADERS, string>> = {};
  for (const [tag, header] of Object.entries(TAG_HEADERS) as Array<[keyof typeof TAG_HEADERS, string]>) {
    const raw = h[header];
    if (raw === undefined) continue;
    const v = utf8Header(Array.isArray(raw) ? raw.join(',') : raw).trim();
    if (v === '') continue;
    if (!TAG_RE.test(v)) return { error: `${header} must be ${TAG_RULE}; got ${v.length > 128 ? `${v.length} characters` : 'other characters'}` };
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

export const identify: Stage = async (ctx, next) => {
  const headerProvider = typeof ctx.req.headers['x-tollgate-provider'] === 'string' ? ctx.req.headers['x-tollgate-provider'] : undefined;
  const choice = chooseProvider(ctx.services.providers(), ctx.endpoint.protocol, ctx.modelRequested, headerProvider);
  if ('error' in choice) {
    ctx.modelUsed = ctx.modelRequested;
    return failCall(ctx, 400, 'invalid_request_error', choice.error);
  }
  ctx.provider = choice.provider;
  ctx.modelUsed = choice.model;
  if (ctx.body.model !== undefined && choice.model !== ctx.modelRequested) ctx.body.model = choice.model;

  // Placeholders some SDKs insist on (e.g. "sk-dummy" when the proxy holds the key) are not keys.
  const query = queryOf(ctx.req.url);
  const fromClient = clientKey(ctx.req.headers, query);
  const placeholder = fromClient !== undefined && /^(tollgate|dummy|sk-dummy|none|placeholder)$/i.test(fromClient);
  ctx.apiKey = (!placeholder && fromClient) || ctx.services.env[choice.provider.apiKeyEnv] || undefined;
  const policy = ctx.services.policy.policy;
  const id = keyIdentity(ctx.services.salt, ctx.apiKey, policy.cache.version);
  ctx.keyFingerprint = id.fingerprint;
  ctx.namespace = id.namespace;

  const fromHeaders = headerTags(ctx.req.headers);
  if ('error' in fromHeaders) return failCall(ctx, 400, 'invalid_request_error', fromHeaders.error);
  const h = fromHeaders.tags;
  const meta = obj(ctx.body.metadata);
  // Request tags (headers, then the OpenAI user/metadata and Anthropic metadata.user_id fields;
  // those body fields serve other purposes too, so a value that is not a tag is skipped there);
  // resolveTags lets a key mapped in the policy win, so it cannot claim another team by header.
  const { keyFingerprint: _fp, ...tags } = resolveTags(
    ctx.keyFingerprint,
    {
      team: h.team ?? tagValue(meta?.team),
      feature: h.feature ?? tagValue(meta?.feature),
      user: h.user ?? tagValue(ctx.body.user) ?? tagValue(meta?.user_id) ?? tagValue(meta?.user),
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
