/**
 * LiteLLM publishes no JSON Schema for its proxy config; its definition is pydantic. This is a zod
 * transcription of the parts the Tollgate export emits, strict (unknown keys fail), from:
 *
 * - `litellm/proxy/_types.py` @ 0bf90f0c206a923c997ac1ee780d1e4b02af811c (BerriAI/litellm):
 *   `ConfigYAML` (environment_variables, model_list, litellm_settings, general_settings,
 *   router_settings) and `ModelParams` (model_name, litellm_params, model_info).
 * - `litellm/types/router.py` @ 0044fbecee0c76affc468f39b4f29da782eb4961: `UpdateRouterConfig`
 *   (the `router_settings` type), `RetryPolicy`, and `GenericLiteLLMParams` for `litellm_params`.
 * - `litellm/caching/caching.py` `Cache.__init__` for `litellm_settings.cache_params`.
 * - litellm package version at the time of reading: 1.80.0 (pyproject.toml @ 813b8fda5c68).
 *
 * `litellm_settings` and `litellm_params` are typed `dict` in pydantic; here they are strict
 * subsets built from the classes that consume them, so a typo in an exported key still fails.
 */
import { z } from 'zod';

const RetryPolicy = z
  .object({
    BadRequestErrorRetries: z.number().int().nullable().optional(),
    AuthenticationErrorRetries: z.number().int().nullable().optional(),
    TimeoutErrorRetries: z.number().int().nullable().optional(),
    RateLimitErrorRetries: z.number().int().nullable().optional(),
    ContentPolicyViolationErrorRetries: z.number().int().nullable().optional(),
    InternalServerErrorRetries: z.number().int().nullable().optional(),
    ServiceUnavailableErrorRetries: z.number().int().nullable().optional(),
    NotFoundErrorRetries: z.number().int().nullable().optional(),
    DefaultRetries: z.number().int().nullable().optional(),
  })
  .strict();

/** `UpdateRouterConfig` in litellm/types/router.py. */
export const UpdateRouterConfig = z
  .object({
    routing_strategy_args: z.record(z.string(), z.unknown()).nullable().optional(),
    routing_strategy: z.string().nullable().optional(),
    routing_groups: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
    retry_policy: RetryPolicy.nullable().optional(),
    model_group_retry_policy: z.record(z.string(), RetryPolicy).nullable().optional(),
    model_group_affinity_config: z.record(z.string(), z.array(z.string())).nullable().optional(),
    allowed_fails: z.number().int().nullable().optional(),
    cooldown_time: z.number().nullable().optional(),
    num_retries: z.number().int().nullable().optional(),
    timeout: z.number().nullable().optional(),
    max_retries: z.number().int().nullable().optional(),
    retry_after: z.number().nullable().optional(),
    fallbacks: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
    context_window_fallbacks: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
    model_group_alias: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.unknown())])).nullable().optional(),
    enable_tag_filtering: z.boolean().nullable().optional(),
    weights: z.record(z.string(), z.unknown()).nullable().optional(),
    tag_routing_prefix: z.string().nullable().optional(),
    optional_pre_call_checks: z.array(z.string()).nullable().optional(),
  })
  .strict();

/** The `litellm_params` keys Tollgate emits, typed as in GenericLiteLLMParams / CompletionRequest. */
const LiteLLMParams = z
  .object({
    model: z.string().regex(/^[a-z_]+\/.+/, 'provider/model'),
    api_base: z.string().url().optional(),
    // `os.environ/NAME` is LiteLLM's secret reference; a literal key here would be a leak.
    api_key: z.string().regex(/^os\.environ\/[A-Z_][A-Z0-9_]*$/).optional(),
    // Azure (litellm/types/router.py GenericLiteLLMParams: api_version, azure_ad_token; both strings —
    // a YAML date would reach the Azure client as a date object). An Entra ID token, like a key, is a reference.
    api_version: z.string().optional(),
    azure_ad_token: z.string().regex(/^os\.environ\/[A-Z_][A-Z0-9_]*$/).optional(),
    timeout: z.number().positive().optional(),
    stream_timeout: z.number().positive().optional(),
    max_retries: z.number().int().optional(),
    // A default request parameter (GenericLiteLLMParams allows extra keys; the router passes them to
    // completion under the request's own): Claude deployments carry the policy's output limit.
    max_tokens: z.number().int().positive().optional(),
    rpm: z.number().int().optional(),
    tpm: z.number().int().optional(),
    extra_headers: z.record(z.string(), z.string()).optional(),
    // model `auto_router/complexity_router` (litellm/router_strategy/complexity_router/config.py
    // @ ba0f794: tiers SIMPLE/MEDIUM/COMPLEX/REASONING → model group names).
    complexity_router_config: z
      .object({
        tiers: z.record(z.enum(['SIMPLE', 'MEDIUM', 'COMPLEX', 'REASONING']), z.string().min(1)),
        tier_boundaries: z.record(z.string(), z.number()).optional(),
      })
      .strict()
      .optional(),
    complexity_router_default_model: z.string().min(1).optional(),
  })
  .strict()
  .refine((p) => (p.complexity_router_config !== undefined) === (p.model === 'auto_router/complexity_router'), {
    message: 'complexity_router_config goes with model auto_router/complexity_router only',
  });

const ModelParams = z
  .object({
    model_name: z.string().min(1),
    litellm_params: LiteLLMParams,
    // base_model: the model a deployment is priced as (docs/my-website/docs/proxy/cost_tracking.md @ 0026911ae728).
    model_info: z.object({ base_model: z.string().min(1) }).strict().optional(),
  })
  .strict();

/** `Cache.__init__` parameters in litellm/caching/caching.py (the subset used). */
const CacheParams = z
  .object({
    type: z.enum(['local', 'redis', 'redis-semantic', 's3', 'disk', 'qdrant-semantic']),
    ttl: z.number().optional(),
    namespace: z.string().optional(),
    host: z.string().optional(),
    port: z.string().optional(),
    password: z.string().optional(),
    similarity_threshold: z.number().min(0).max(1).optional(),
    redis_semantic_cache_embedding_model: z.string().optional(),
  })
  .strict();

/** Module settings the export sets: the cache and the global proxy budget. */
const LiteLLMSettings = z
  .object({
    cache: z.boolean().optional(),
    cache_params: CacheParams.optional(),
    max_budget: z.number().positive().optional(),
    budget_duration: z.string().regex(/^\d+(s|m|h|d|mo)$/).optional(),
  })
  .strict();

/** `ConfigYAML` in litellm/proxy/_types.py. */
export const ConfigYAML = z
  .object({
    environment_variables: z.record(z.string(), z.unknown()).nullable().optional(),
    model_list: z.array(ModelParams).nullable().optional(),
    litellm_settings: LiteLLMSettings.nullable().optional(),
    general_settings: z.record(z.string(), z.unknown()).nullable().optional(),
    router_settings: UpdateRouterConfig.nullable().optional(),
  })
  .strict();

/** Management-API bodies (NewTeamRequest, NewUserRequest, GenerateKeyRequest in _types.py), the fields used. */
const Duration = z.string().regex(/^\d+(s|m|h|d|mo)$/);
/** BudgetLimitEntry (_types.py @ 0bf90f0): one more budget window with its own reset. */
const BudgetLimits = z.array(z.object({ budget_duration: Duration, max_budget: z.number().positive() }).strict()).min(1);
/** The budget and rate fields teams, users and keys share. */
const Limits = {
  max_budget: z.number().optional(),
  budget_duration: Duration.optional(),
  budget_limits: BudgetLimits.optional(),
  rpm_limit: z.number().int().optional(),
  tpm_limit: z.number().int().optional(),
};
export const ManagementRequest = z.discriminatedUnion('path', [
  z
    .object({
      path: z.literal('/team/new'),
      updatePath: z.literal('/team/update'),
      body: z
        .object({
          team_id: z.string(),
          team_alias: z.string(),
          // TeamBase.blocked: written only for a team a $0 / 0-token budget freezes; absent, /team/new
          // creates the team unblocked and /team/update leaves the flag as it is (exclude_unset).
          blocked: z.literal(true).optional(),
          // TeamBase.metadata beside blocked, so apply.mjs can tell a block it set from an admin's, and this repository's from another's.
          metadata: z.object({ tollgate_frozen: z.literal(true), tollgate_repository: z.string().min(1) }).strict().optional(),
          ...Limits,
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      path: z.literal('/user/new'),
      updatePath: z.literal('/user/update'),
      body: z
        .object({
          user_id: z.string(),
          // NewUserRequest.auto_create_key defaults to true: /user/new then mints a key of its own.
          auto_create_key: z.literal(false),
          ...Limits,
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      path: z.literal('/key/generate'),
      // UpdateKeyRequest: the same fields, plus the key's token, which apply.mjs finds by key_alias.
      updatePath: z.literal('/key/update'),
      body: z
        .object({
          key_alias: z.string(),
          team_id: z.string().optional(),
          user_id: z.string().optional(),
          metadata: z.record(z.string(), z.unknown()).optional(),
          tags: z.array(z.string()).optional(),
          blocked: z.literal(true).optional(), // GenerateRequestBase.blocked: a key a 0 limit freezes
          ...Limits, // GenerateRequestBase: key budgets and limits
        })
        .strict(),
    })
    .strict(),
]);
// apply.mjs's own: the id in metadata.tollgate_repository of this repository's keys and frozen teams; origin: planExport's, the git origin the id was made in.
export const Management = z.object({ repository: z.string().min(1), origin: z.string().min(1).optional(), requests: z.array(ManagementRequest) }).strict();
