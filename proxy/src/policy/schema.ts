/**
 * The Tollgate policy (`.tollgate/policy.yaml`): the single source of truth for its shape.
 *
 * Everything that reads a policy — the proxy, the CLI, the exporters, the extension's starter
 * file and the JSON Schema editors use for completion — derives from this zod schema. Every field
 * has a default so that the smallest useful policy (only `providers`) stays valid as the schema
 * grows. Pure data: no I/O here.
 */
import { z } from 'zod';
import { AUTH_HEADERS, type AuthHeader, isAzureHost, PROTOCOLS } from '../providers/protocol';
import { isPricedModel, pricedAs } from '../pricing/price';
import { globMatch } from '../routing/glob';
import { nearest } from './nearest';

export const TIERS = ['small', 'medium', 'large'] as const;
export type Tier = (typeof TIERS)[number];

/** Wire protocol a provider speaks. Any OpenAI-compatible server (Azure v1, OpenRouter, Ollama, vLLM) is `openai`. */
export const ProviderKind = z.enum(['openai', 'anthropic']);
export type ProviderKind = z.infer<typeof ProviderKind>;

const Identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use ASCII letters, digits, "_", "-" or "." (max 64, the first a letter or digit)');

/**
 * A list whose entries are told apart by name. Budgets and rate limits keep their spend and
 * windows in SQLite under their name, and headers, alerts and exports name them, so two entries
 * with one name would share one counter; rules are named in the route header. The second one is
 * reported at its own `name`, so the message points at the line to change.
 */
function namedList<T extends z.ZodType<{ name: string }>>(item: T, path: string) {
  return z.array(item).superRefine((list, ctx) => {
    const first = new Map<string, number>();
    list.forEach((entry, i) => {
      const before = first.get(entry.name);
      if (before === undefined) first.set(entry.name, i);
      else ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${entry.name}" is already the name of ${path}.${before}; entries are told apart by name (spend, windows, headers), so give each its own` });
    });
  });
}

/**
 * An upstream URL: http or https only (never file:, data:, javascript:…), no user:password (it
 * would be sent and echoed in errors), no fragment. Messages never repeat the value.
 */
const BaseUrl = z
  .string()
  .max(2048)
  .superRefine((v, ctx) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL (expected e.g. https://api.openai.com/v1)' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `only http: and https: upstreams are allowed (got ${u.protocol.slice(0, 20)})` });
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'must not contain credentials (user:password@); keys come from apiKeyEnv' });
    if (u.hash) ctx.addIssue({ code: 'custom', message: 'must not contain a #fragment' });
  });

// Node fires a timer set above 2^31 − 1 ms after 1 ms: "never time out" (30 days) timed every wait out at once.
/** A provider's first-byte wait when the policy sets no `timeoutMs` and the client states none (pipeline/context.ts firstByteWaitMs); exports write it. */
export const DEFAULT_FIRST_BYTE_MS = 120_000;

const Millis = z.number().int().min(0).max(2 ** 31 - 1, 'at most 2147483647 ms (24.8 days): a longer timer fires at once');

/** Headers the proxy or the HTTP layer own, and key headers (keys come from apiKeyEnv, never the file). */
const RESERVED_HEADERS = new Set([
  'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect',
  'proxy-authorization', 'proxy-connection', ...AUTH_HEADERS, 'cookie',
]);
const HeaderValue = z
  .string()
  .max(4096)
  .regex(/^[^\r\n\0]*$/, 'header values must not contain CR, LF or NUL');
const Headers = z.record(z.string(), HeaderValue).superRefine((h, ctx) => {
  for (const name of Object.keys(h)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/.test(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'not a valid header name (letters, digits and !#$%&\'*+.^_`|~-)' });
    } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'this header is set by Tollgate or carries a key; it cannot be set in the policy' });
    }
  }
});

export const ProviderSchema = z
  .object({
    kind: ProviderKind.optional().describe(
      'Wire protocol. Defaults to "anthropic" for a provider named anthropic, else "openai".',
    ),
    baseUrl: BaseUrl.optional().describe('Upstream base URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1'),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe('Environment variable holding the key used when the client sends none (never stored).'),
    authHeader: z
      .enum(AUTH_HEADERS)
      .optional()
      .describe('How the key is sent upstream: Bearer token (OpenAI), api-key (Azure) or x-api-key (Anthropic).'),
    headers: Headers.default({}).describe('Extra headers sent upstream (no secrets).'),
    models: z
      .array(z.string())
      .default([])
      .describe('Model name globs served by this provider, used to pick it when the request does not say.'),
    timeoutMs: Millis.positive()
      .optional()
      .describe("Time allowed for the first byte of the upstream response. Unset: the client's own timeout when it states one (X-Stainless-Timeout or X-Stainless-Read-Timeout, up to 1 h), else 120000."),
    idleTimeoutMs: Millis.positive().default(120_000).describe('Longest silence allowed inside a response body or stream.'),
    priceAs: z
      .record(z.string().min(1), z.string().min(1))
      .optional()
      .describe('Prices calls to these model names (exact, or globs) as the model named: an Azure deployment `prod-4o: gpt-4o-2024-08-06`.'),
  })
  .strict()
  .superRefine((p, ctx) => {
    // Checked here, at its line, as the ledger will price it (this upstream's rates): a target
    // genai-prices cannot price would leave the calls unpriced, which is what priceAs is for.
    const billing = pricedAs({ name: '', baseUrl: p.baseUrl ?? '', kind: p.kind ?? 'openai' });
    for (const [name, target] of Object.entries(p.priceAs ?? {}))
      if (!isPricedModel(target, billing))
        ctx.addIssue({ code: 'custom', path: ['priceAs', name], message: `genai-prices has no per-token price for "${target}": name a model it prices, e.g. gpt-4o-2024-08-06 or claude-sonnet-4-5` });
  });
export type ProviderPolicy = z.infer<typeof ProviderSchema>;

export const SemanticCacheSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Serve answers to prompts that mean the same as an earlier one.'),
    backend: z
      .enum(['auto', 'transformers', 'use-lite', 'upstream'])
      .default('auto')
      .describe('auto: all-MiniLM-L6-v2 (downloaded on first use when allowed, or imported), else the bundled USE-lite model.'),
    allowModelDownload: z.boolean().default(true).describe('Download all-MiniLM-L6-v2 from the Hugging Face hub on first use (checksum-verified).'),
    embedTimeoutMs: Millis.positive().default(250).describe('A lookup that cannot embed within this time is treated as a miss.'),
    threshold: z.number().min(0).max(1).optional().describe("Cosine similarity needed for a hit; default: the backend's calibrated value."),
    excludeFeatures: z.array(z.string()).default([]).describe('Feature tags (globs) that only use the exact cache.'),
    judge: z.boolean().default(true).describe("Decide hits with the learned equivalence judge when weights exist for the embedder (else: threshold + lexical guard)."),
    maxFalseHitRisk: z
      .number()
      .gt(0)
      .max(0.5)
      .optional()
      .describe('Serve only when P(same) ≥ 1 − this; default: the judge\'s cross-validated operating point. Feedback moves it per feature.'),
    wrongAnswerCostUsd: z
      .number()
      .nonnegative()
      .default(0.0005)
      .describe('What a wrong cached answer costs you: serve only when P(same) × saved $ ≥ (1 − P(same)) × this (cheap calls need more certainty).'),
    adaptive: z.boolean().default(true).describe('Reported false hits tighten that feature\'s operating point; once a feature gets feedback, unreported hits loosen it a little.'),
    verify: z
      .object({
        enabled: z.boolean().default(false).describe('Ask a small model whether an uncertain candidate asks the same thing before serving it.'),
        model: z.string().optional().describe("Model asked; default: the provider's small routing tier, else the request's model."),
        fromProbability: z.number().min(0).max(1).default(0.5).describe('Candidates with P(same) from this up to the serving point are verified.'),
        timeoutMs: Millis.positive().default(1500).describe('Longest wait for the verdict; past it the candidate is a miss.'),
      })
      .strict()
      .default({ enabled: false, fromProbability: 0.5, timeoutMs: 1500 }),
  })
  .strict();

export const CacheSchema = z
  .object({
    enabled: z.boolean().default(true),
    ttlSeconds: z.number().int().positive().default(7 * 24 * 3600),
    maxEntries: z.number().int().positive().default(100_000).describe('Past this count, the least recently used entries (by last hit, else creation) are evicted.'),
    version: z.number().int().nonnegative().default(1).describe('Bump to invalidate every cached entry.'),
    semantic: SemanticCacheSchema.default(SemanticCacheSchema.parse({})),
  })
  .strict();

export const ScopeSchema = z
  .object({
    team: z.string().optional(),
    user: z.string().optional(),
    feature: z.string().optional(),
    key: z.string().optional().describe('Key fingerprint (tg_ and 16 lowercase hex digits: `tollgate policy key-fingerprint` prints a key\'s) or a glob of one, never the key itself.'),
  })
  .strict()
  .describe('Who a budget or limit applies to; empty = everyone together (global).');
export type Scope = z.infer<typeof ScopeSchema>;

export const BudgetSchema = z
  .object({
    name: Identifier,
    scope: ScopeSchema.default({}),
    period: z.enum(['day', 'week', 'month']),
    // 0 freezes the scope (every call refused, or downgraded where the action says so).
    usd: z.number().nonnegative().optional(),
    tokens: z.number().int().nonnegative().optional(),
    warnAt: z.number().gt(0).lt(1).default(0.8),
    action: z.enum(['block', 'downgrade', 'allow']).default('block'),
    unpriced: z
      .enum(['block', 'allow'])
      .optional()
      .describe(
        'A model @pydantic/genai-prices cannot price costs $0 to a usd budget. allow (default): such calls pass and count tokens only (local models keep working); block: refuse them while this budget applies.',
      ),
  })
  .strict()
  .refine((b) => b.usd !== undefined || b.tokens !== undefined, { message: 'a budget needs usd or tokens' });
export type BudgetPolicy = z.infer<typeof BudgetSchema>;

export const RateLimitSchema = z
  .object({
    name: Identifier,
    scope: ScopeSchema.default({}),
    rpm: z.number().int().positive().optional(),
    tpm: z.number().int().positive().optional(),
  })
  .strict()
  .refine((r) => r.rpm !== undefined || r.tpm !== undefined, { message: 'a rate limit needs rpm or tpm' });
export type RateLimitPolicy = z.infer<typeof RateLimitSchema>;

const TierModels = z
  .object({ small: z.string().optional(), medium: z.string().optional(), large: z.string().optional() })
  .strict();

const RuleMatchSchema = z
  .object({
    feature: z.string().optional(),
    model: z.string().optional(),
    provider: z
      .string()
      .optional()
      .describe('Provider name glob (openai, anthropic, or one of `providers`): a rule naming an exact model usually belongs to one provider, since the other protocol rejects its model names.'),
    header: z.record(z.string(), z.string()).optional(),
    minInputTokens: z.number().int().nonnegative().optional(),
    maxInputTokens: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.minInputTokens !== undefined && m.maxInputTokens !== undefined && m.minInputTokens > m.maxInputTokens)
      ctx.addIssue({ code: 'custom', path: ['minInputTokens'], message: `minInputTokens (${m.minInputTokens}) is above maxInputTokens (${m.maxInputTokens}): no request has both, so the rule never applies` });
  });

export const RouteRuleSchema = z
  .object({
    name: Identifier,
    match: RuleMatchSchema.default({}),
    tier: z.enum(TIERS).optional(),
    model: z.string().optional().describe('Send matching requests to this exact model instead of a tier.'),
    semanticThreshold: z.number().min(0).max(1).optional(),
  })
  .strict();

/**
 * Whether a rule takes part in routing: it names a model or a tier, or sets nothing at all (then
 * the router picks the tier). A rule whose only effect is `semanticThreshold` does not route; the
 * semantic cache's threshold takes the first matching rule that sets one (semanticCacheStage.ts).
 * The one rule for routing, the policy's warnings and the gateway exports.
 */
export function ruleRoutes(rule: Pick<z.infer<typeof RouteRuleSchema>, 'model' | 'tier' | 'semanticThreshold'>): boolean {
  return Boolean(rule.model) || rule.tier !== undefined || rule.semanticThreshold === undefined;
}

export const FlexRuleSchema = z
  .object({
    name: Identifier,
    match: RuleMatchSchema.default({}),
    timeoutMs: Millis.positive().default(900_000).describe('Time allowed for the first byte of a flex answer (flex queues; OpenAI advises 15 minutes).'),
  })
  .strict();

export const RoutingSchema = z
  .object({
    tiers: z.record(z.string(), TierModels).default({}).describe('Per provider: the model used for each tier.'),
    thresholds: z
      .object({ medium: z.number().min(0).max(1).default(0.3), large: z.number().min(0).max(1).default(0.7) })
      .strict()
      // A score at or above `large` is large first (complexity.ts tierFor): medium above it is never chosen.
      .superRefine((t, ctx) => {
        if (t.medium > t.large) ctx.addIssue({ code: 'custom', path: ['medium'], message: `medium (${t.medium}) is above large (${t.large}), so the medium tier is never chosen: medium must be at most large` });
      })
      .default({ medium: 0.3, large: 0.7 }),
    rules: namedList(RouteRuleSchema, 'routing.rules').default([]),
    qualitySampling: z
      .object({
        enabled: z.boolean().default(false).describe('Also send a sampled share of calls routed below large to the large tier, in the background, and have a cheap judge compare the answers. Costs are real: they are in the ledger and count against budgets.'),
        rate: z.number().min(0).max(1).default(0.02).describe('Share of eligible calls sampled.'),
        judgeModel: z.string().optional().describe("Model that judges agreement; default the provider's small tier."),
        window: z.number().int().min(1).max(10_000).default(50).describe('Recent judged samples per route the drift alarm looks at.'),
        alarmLoss: z.number().min(0).max(1).default(0.2).describe('Alarm when the recent quality loss (share judged worse than large) exceeds this.'),
        alarmRise: z.number().min(0).max(1).default(0.1).describe('Alarm when the recent loss exceeds the earlier loss by more than this.'),
      })
      .strict()
      .default({ enabled: false, rate: 0.02, window: 50, alarmLoss: 0.2, alarmRise: 0.1 }),
    router: z
      .enum(['learned', 'score'])
      .default('learned')
      .describe('How model "auto" picks a tier: the shipped learned router with the team exemplars (thresholds ignored), or the hand-weighted score with `thresholds`.'),
    flex: namedList(FlexRuleSchema, 'routing.flex')
      .default([])
      .describe('Requests that can wait: sent with OpenAI service_tier "flex" (batch prices), falling back to the default tier when flex has no capacity.'),
  })
  .strict();

export const RetrySchema = z
  .object({
    attempts: z.number().int().min(0).max(10).default(2).describe('Retries after the first attempt.'),
    backoffMs: Millis.default(250),
    maxBackoffMs: Millis.positive().default(8_000),
    retryOn: z.array(z.union([z.number().int().min(400).max(599), z.enum(['connect', 'timeout'])])).default([429, 500, 502, 503, 504, 'connect', 'timeout']),
  })
  .strict();

export const FallbackSchema = z
  .object({
    from: z.string().describe('Model (glob) whose failures fall back.'),
    to: z.array(z.string()).min(1).describe('Models tried in order; "provider/model" picks another provider.'),
  })
  .strict();

export const TagsSchema = z
  .object({
    required: z.array(z.enum(['team', 'feature', 'user'])).default([]).describe('Tags every request must carry.'),
    keys: z
      .array(z.object({ fingerprint: z.string(), team: z.string().optional(), user: z.string().optional(), feature: z.string().optional() }).strict())
      .default([])
      .describe('Tags implied by an API key, by its fingerprint (`tollgate policy key-fingerprint` prints a key\'s).'),
  })
  .strict();

export const ServerSchema = z
  .object({
    port: z.number().int().min(1).max(65535).default(4141),
    // Held in memory whole: a cloned repository's policy stops at the largest request a provider documents,
    // OpenAI's 512 MB file upload (Anthropic: Messages 32 MB, Message Batches 256 MB, Files 500 MB).
    maxBodyBytes: z.number().int().positive().max(512 * 1024 * 1024, 'at most 536870912 (512 MiB, the largest upload a provider takes): a body is held in memory whole').default(20 * 1024 * 1024).describe('Largest request body taken, in bytes (default 20 MiB, at most 512 MiB).'),
    allowedOrigins: z
      .array(z.string().max(200))
      .max(50)
      .default([])
      .describe('Web origins (http://localhost:5173) allowed to call provider routes from a browser; from a policy file only loopback origins count, others go in TOLLGATE_ALLOWED_ORIGINS.'),
  })
  .strict();

export const LedgerSchema = z
  .object({
    maxAgeDays: z.number().int().positive().max(3650).default(90).describe('Ledger rows older than this are deleted.'),
    maxBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(512 * 1024 * 1024)
      .describe('When the database holds more than this, the oldest ledger rows are deleted until it fits.'),
  })
  .strict()
  .describe('Retention of the local cost ledger (per-call rows).');

export const BatchCaptureSchema = z
  .object({
    features: z
      .array(z.string().min(1).max(200))
      .max(100)
      .default([])
      .describe('Feature tags (globs, e.g. "eval" or "eval-*") whose request bodies Tollgate keeps, so `tollgate batch from-ledger` can re-run those calls as a batch. Empty (the default): no body is kept.'),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('A request body larger than this is not kept (its ledger row still is).'),
    retentionDays: z.number().int().positive().max(365).default(7).describe('Kept request bodies older than this are deleted (and with their ledger row, whichever goes first).'),
  })
  .strict()
  .describe('Opt-in capture of request bodies, in the local database next to the ledger row; never headers or keys.');

export const BatchSchema = z
  .object({
    capture: BatchCaptureSchema.default(BatchCaptureSchema.parse({})),
  })
  .strict()
  .describe('Batch APIs: what Tollgate keeps to build batch files from the ledger.');

export const PolicySchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1).default(1),
    server: ServerSchema.default(ServerSchema.parse({})),
    providers: z
      .record(Identifier, ProviderSchema)
      .default({})
      .describe('Upstreams by name. "openai" and "anthropic" exist by default with the public APIs.'),
    cache: CacheSchema.default(CacheSchema.parse({})),
    routing: RoutingSchema.default(RoutingSchema.parse({})),
    budgets: namedList(BudgetSchema, 'budgets').default([]),
    rateLimits: namedList(RateLimitSchema, 'rateLimits').default([]),
    defaults: z
      .object({
        maxOutputTokens: z.number().int().positive().default(4096).describe('Assumed output when a request sets no limit (for budget reservations).'),
      })
      .strict()
      .default({ maxOutputTokens: 4096 }),
    retries: RetrySchema.default(RetrySchema.parse({})),
    fallbacks: z.array(FallbackSchema).default([]),
    tags: TagsSchema.default(TagsSchema.parse({})),
    ledger: LedgerSchema.default(LedgerSchema.parse({})),
    batch: BatchSchema.default(BatchSchema.parse({})),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // A misspelt provider in a rule's match would silently turn the rule off.
    const names = ['openai', 'anthropic', ...Object.keys(policy.providers)];
    // Tiers are looked up by the exact provider name: tiers under any other name are never used.
    for (const name of Object.keys(policy.routing.tiers))
      if (!names.includes(name)) {
        const near = nearest(name, names);
        ctx.addIssue({
          code: 'custom',
          path: ['routing', 'tiers', name],
          // The name is wrong, not its tiers: located at the key (load.ts), not the block's first line.
          params: { atKey: true },
          message: `"${name}" is no provider (${names.join(', ')}), so these tiers are never used${near ? `; did you mean "${near}"?` : ''}`,
        });
      }
    fingerprintIssues(policy, ctx);
    for (const list of ['rules', 'flex'] as const)
      policy.routing[list].forEach((rule, i) => {
        const glob = rule.match.provider;
        if (glob !== undefined && !names.some((n) => globMatch(glob, n))) {
          const near = nearest(glob, names);
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['routing', list, i, 'match', 'provider'],
            message: `"${glob}" matches no provider (${names.join(', ')}), so rule "${rule.name}" never applies${near ? `; did you mean "${near}"?` : ''}`,
          });
        }
      });
  });

/**
 * A key fingerprint as pipeline/identity.ts makes it: tg_ and 16 lowercase hex digits (an HMAC of the
 * key), or tg_anonymous for calls that carry no key. Scopes compare it exactly (governance/scope.ts).
 */
export const KEY_FINGERPRINT = /^tg_(?:[0-9a-f]{16}|anonymous)$/;

/** The form and where to get it: a user writing a key budget has the key, not its salted fingerprint. */
export const FINGERPRINT_FORM = 'tg_ and 16 lowercase hex digits: `tollgate policy key-fingerprint` prints a key\'s';

/** What each position of a hex fingerprint can hold. */
const HEX_POSITIONS = [...'tg_', ...Array<string>(16).fill('0123456789abcdef')];

/** Can a scope glob (`*` and `?` only, as routing/glob.ts reads it) match any fingerprint? */
function globMatchesAFingerprint(glob: string): boolean {
  if (globMatch(glob, 'tg_anonymous')) return true;
  // The lengths of hex-fingerprint prefixes the glob read so far can match, ascending.
  let ends = [0];
  // A run of `*` is one `*`, and no prefix left is a miss: a 1 MB `****…x` took 12 s, the proxy's reload too.
  for (const c of glob.replace(/\*+/g, '*')) {
    const from = ends[0];
    if (from === undefined) return false;
    if (c === '*') ends = Array.from({ length: HEX_POSITIONS.length + 1 - from }, (_, k) => from + k);
    else ends = ends.filter((j) => (c === '?' ? j < HEX_POSITIONS.length : HEX_POSITIONS[j]?.includes(c))).map((j) => j + 1);
  }
  return ends.includes(HEX_POSITIONS.length);
}

/**
 * `scope.key` and `tags.keys[].fingerprint` name a key by its fingerprint: a value no fingerprint can
 * be (`tg_a b`, a truncated or upper-case one, a glob with `[…]`) never matches, so the budget or tags
 * silently never apply; pasting the key itself (the usual mistake) also puts a secret in the
 * repository. The value is never repeated.
 */
function fingerprintIssues(policy: { budgets: ReadonlyArray<{ scope: Scope }>; rateLimits: ReadonlyArray<{ scope: Scope }>; tags: { keys: ReadonlyArray<{ fingerprint: string }> } }, ctx: z.RefinementCtx): void {
  const check = (value: string | undefined, path: Array<string | number>, glob: boolean) => {
    if (value === undefined) return;
    const isGlob = /[*?]/.test(value);
    const fits = (v: string) => (isGlob ? globMatchesAFingerprint(v) : KEY_FINGERPRINT.test(v));
    const message =
      isGlob && !glob
        ? 'tags.keys names one key by its exact fingerprint (globs are not matched here), so this entry never applies'
        : fits(value)
          ? undefined
          : fits(value.toLowerCase())
            ? `key fingerprints are lowercase (${FINGERPRINT_FORM}): in capitals this never matches; write it in lowercase`
            : isGlob
              ? `this glob matches no key fingerprint (${FINGERPRINT_FORM}), so it never applies`
              : `not a key fingerprint (${FINGERPRINT_FORM}), so it never matches; if this is an API key, remove it from the file and rotate it`;
    if (message) ctx.addIssue({ code: 'custom', path, message });
  };
  // Scopes match globs (governance/scope.ts); tags.keys compares the fingerprint exactly.
  for (const list of ['budgets', 'rateLimits'] as const)
    for (const [i, entry] of policy[list].entries()) check(entry.scope.key, [list, i, 'scope', 'key'], true);
  for (const [i, k] of policy.tags.keys.entries()) check(k.fingerprint, ['tags', 'keys', i, 'fingerprint'], false);
}

export type PolicyInput = z.input<typeof PolicySchema>;
export type Policy = z.infer<typeof PolicySchema>;

/** A provider with its defaults resolved (kind, base URL, key variable, auth header). */
export interface ResolvedProvider extends ProviderPolicy {
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  apiKeyEnv: string;
  authHeader: AuthHeader;
}

/**
 * `<NAME>_API_KEY` for a provider without `apiKeyEnv`, with a leading `_` when the name starts with a
 * digit: `9ROUTER_API_KEY` is no environment variable name a shell, `.env` file or envsubst can set
 * (the exporters write the same `_9ROUTER_API_KEY`, so the proxy and a gateway read one variable).
 */
export function derivedKeyEnv(providerName: string): string {
  const name = `${providerName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** Providers with defaults filled in; the built-in openai/anthropic entries are always present. */
export function resolveProviders(policy: Policy): Map<string, ResolvedProvider> {
  const out = new Map<string, ResolvedProvider>();
  const names = new Set<string>(['openai', 'anthropic', ...Object.keys(policy.providers)]);
  for (const name of names) {
    const p = policy.providers[name] ?? ProviderSchema.parse({});
    const kind: ProviderKind = p.kind ?? (name === 'anthropic' ? 'anthropic' : 'openai');
    const builtin = PROTOCOLS[name === 'openai' || name === 'anthropic' ? name : kind];
    out.set(name, {
      ...p,
      name,
      kind,
      baseUrl: (p.baseUrl ?? builtin.defaultBaseUrl).replace(/\/+$/, ''),
      apiKeyEnv: p.apiKeyEnv ?? (name === 'openai' || name === 'anthropic' ? builtin.apiKeyEnv : derivedKeyEnv(name)),
      // An Azure resource takes its key in `api-key`; sent as a Bearer token, Azure refuses it (401).
      authHeader: p.authHeader ?? (kind === 'openai' && p.baseUrl !== undefined && isAzureHost(p.baseUrl) ? 'api-key' : PROTOCOLS[kind].authHeader),
    });
  }
  return out;
}

export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/** JSON Schema for editors (yaml-language-server); generated from the zod schema, never by hand. */
export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PolicySchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Tollgate policy', $id: 'https://tollgate.dev/schema/policy.json' };
}
