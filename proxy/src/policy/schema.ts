/**
 * The Tollgate policy (`.tollgate/policy.yaml`): the single source of truth for its shape.
 *
 * Everything that reads a policy — the proxy, the CLI, the exporters, the extension's starter
 * file and the JSON Schema editors use for completion — derives from this zod schema. Every field
 * has a default so that the smallest useful policy (only `providers`) stays valid as the schema
 * grows. Pure data: no I/O here.
 */
import { z } from 'zod';
import { PROTOCOLS } from '../providers/protocol';

export const TIERS = ['small', 'medium', 'large'] as const;
export type Tier = (typeof TIERS)[number];

/** Wire protocol a provider speaks. Any OpenAI-compatible server (Azure v1, OpenRouter, Ollama, vLLM) is `openai`. */
export const ProviderKind = z.enum(['openai', 'anthropic']);
export type ProviderKind = z.infer<typeof ProviderKind>;

const Identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, "_", "-" or "." (max 64)');

export const ProviderSchema = z
  .object({
    kind: ProviderKind.optional().describe(
      'Wire protocol. Defaults to "anthropic" for a provider named anthropic, else "openai".',
    ),
    baseUrl: z.url().optional().describe('Upstream base URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1'),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe('Environment variable holding the key used when the client sends none (never stored).'),
    authHeader: z
      .enum(['authorization', 'api-key', 'x-api-key'])
      .optional()
      .describe('How the key is sent upstream: Bearer token (OpenAI), api-key (Azure) or x-api-key (Anthropic).'),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra headers sent upstream (no secrets).'),
    models: z
      .array(z.string())
      .default([])
      .describe('Model name globs served by this provider, used to pick it when the request does not say.'),
    timeoutMs: z.number().int().positive().default(120_000).describe('Time allowed for the first byte of the upstream response.'),
    idleTimeoutMs: z.number().int().positive().default(120_000).describe('Longest silence allowed inside a response body or stream.'),
  })
  .strict();
export type ProviderPolicy = z.infer<typeof ProviderSchema>;

export const SemanticCacheSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Serve answers to prompts that mean the same as an earlier one.'),
    backend: z
      .enum(['auto', 'transformers', 'use-lite', 'upstream'])
      .default('auto')
      .describe('auto: all-MiniLM-L6-v2 (downloaded on first use when allowed, or imported), else the bundled USE-lite model.'),
    allowModelDownload: z.boolean().default(true).describe('Download all-MiniLM-L6-v2 from the Hugging Face hub on first use (checksum-verified).'),
    embedTimeoutMs: z.number().int().positive().default(250).describe('A lookup that cannot embed within this time is treated as a miss.'),
    threshold: z.number().min(0).max(1).optional().describe("Cosine similarity needed for a hit; default: the backend's calibrated value."),
    excludeFeatures: z.array(z.string()).default([]).describe('Feature tags (globs) that only use the exact cache.'),
  })
  .strict();

export const CacheSchema = z
  .object({
    enabled: z.boolean().default(true),
    ttlSeconds: z.number().int().positive().default(7 * 24 * 3600),
    maxEntries: z.number().int().positive().default(100_000).describe('Oldest entries are evicted past this count.'),
    version: z.number().int().nonnegative().default(1).describe('Bump to invalidate every cached entry.'),
    semantic: SemanticCacheSchema.default(SemanticCacheSchema.parse({})),
  })
  .strict();

export const ScopeSchema = z
  .object({
    team: z.string().optional(),
    user: z.string().optional(),
    feature: z.string().optional(),
    key: z.string().optional().describe('Key fingerprint as shown by Tollgate (tg_…), never the key itself.'),
  })
  .strict()
  .describe('Who a budget or limit applies to; empty = everyone together (global).');
export type Scope = z.infer<typeof ScopeSchema>;

export const BudgetSchema = z
  .object({
    name: Identifier,
    scope: ScopeSchema.default({}),
    period: z.enum(['day', 'week', 'month']),
    usd: z.number().positive().optional(),
    tokens: z.number().int().positive().optional(),
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
    header: z.record(z.string(), z.string()).optional(),
    minInputTokens: z.number().int().nonnegative().optional(),
    maxInputTokens: z.number().int().positive().optional(),
  })
  .strict();

export const RouteRuleSchema = z
  .object({
    name: Identifier,
    match: RuleMatchSchema.default({}),
    tier: z.enum(TIERS).optional(),
    model: z.string().optional().describe('Send matching requests to this exact model instead of a tier.'),
    semanticThreshold: z.number().min(0).max(1).optional(),
  })
  .strict();

export const FlexRuleSchema = z
  .object({
    name: Identifier,
    match: RuleMatchSchema.default({}),
    timeoutMs: z.number().int().positive().default(900_000).describe('Time allowed for the first byte of a flex answer (flex queues; OpenAI advises 15 minutes).'),
  })
  .strict();

export const RoutingSchema = z
  .object({
    tiers: z.record(z.string(), TierModels).default({}).describe('Per provider: the model used for each tier.'),
    thresholds: z
      .object({ medium: z.number().min(0).max(1).default(0.3), large: z.number().min(0).max(1).default(0.7) })
      .strict()
      .default({ medium: 0.3, large: 0.7 }),
    rules: z.array(RouteRuleSchema).default([]),
    flex: z
      .array(FlexRuleSchema)
      .default([])
      .describe('Requests that can wait: sent with OpenAI service_tier "flex" (batch prices), falling back to the default tier when flex has no capacity.'),
  })
  .strict();

export const RetrySchema = z
  .object({
    attempts: z.number().int().min(0).max(10).default(2).describe('Retries after the first attempt.'),
    backoffMs: z.number().int().nonnegative().default(250),
    maxBackoffMs: z.number().int().positive().default(8_000),
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
      .describe('Tags implied by an API key, by its fingerprint.'),
  })
  .strict();

export const ServerSchema = z
  .object({
    port: z.number().int().min(1).max(65535).default(4141),
    maxBodyBytes: z.number().int().positive().default(20 * 1024 * 1024),
  })
  .strict();

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
    budgets: z.array(BudgetSchema).default([]),
    rateLimits: z.array(RateLimitSchema).default([]),
    defaults: z
      .object({
        maxOutputTokens: z.number().int().positive().default(4096).describe('Assumed output when a request sets no limit (for budget reservations).'),
      })
      .strict()
      .default({ maxOutputTokens: 4096 }),
    retries: RetrySchema.default(RetrySchema.parse({})),
    fallbacks: z.array(FallbackSchema).default([]),
    tags: TagsSchema.default(TagsSchema.parse({})),
  })
  .strict();

export type PolicyInput = z.input<typeof PolicySchema>;
export type Policy = z.infer<typeof PolicySchema>;

/** A provider with its defaults resolved (kind, base URL, key variable, auth header). */
export interface ResolvedProvider extends ProviderPolicy {
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  apiKeyEnv: string;
  authHeader: 'authorization' | 'api-key' | 'x-api-key';
}

const BUILTIN_PROVIDERS: Record<'openai' | 'anthropic', { baseUrl: string; apiKeyEnv: string }> = {
  openai: { baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
  anthropic: { baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY' },
};

/** Providers with defaults filled in; the built-in openai/anthropic entries are always present. */
export function resolveProviders(policy: Policy): Map<string, ResolvedProvider> {
  const out = new Map<string, ResolvedProvider>();
  const names = new Set<string>(['openai', 'anthropic', ...Object.keys(policy.providers)]);
  for (const name of names) {
    const p = policy.providers[name] ?? ProviderSchema.parse({});
    const kind: ProviderKind = p.kind ?? (name === 'anthropic' ? 'anthropic' : 'openai');
    const builtin = BUILTIN_PROVIDERS[name as 'openai' | 'anthropic'] ?? BUILTIN_PROVIDERS[kind];
    out.set(name, {
      ...p,
      name,
      kind,
      baseUrl: (p.baseUrl ?? builtin.baseUrl).replace(/\/+$/, ''),
      apiKeyEnv: p.apiKeyEnv ?? (name in BUILTIN_PROVIDERS ? builtin.apiKeyEnv : `${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`),
      authHeader: p.authHeader ?? PROTOCOLS[kind].authHeader,
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
