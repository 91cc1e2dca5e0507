/**
 * A JSON Schema (draft 2019-09, for ajv) for the part of Bifrost's config.json the Tollgate export
 * emits. Bifrost publishes its schema as `transports/config.schema.json` in maximhq/bifrost; no npm
 * package ships it (checked: `@maximhq/bifrost` 1.6.3 contains only bin.js and package.json), and it
 * may not be copied into this repository, so this subset was written by reading that file at commit
 * 003ecc6abbf80d93cf195b48860d197d794a2a3c. Definitions keep Bifrost's names, required fields,
 * ranges and `additionalProperties: false`; sections Tollgate never writes are left out, and the
 * root forbids them so a stray key fails here rather than at Bifrost's startup.
 *
 * Deliberate differences: custom provider names are checked against `provider` (Bifrost accepts any
 * object for them), and string formats (uri, date-time) are not checked (no ajv-formats).
 */
const envOrLiteral = { type: 'string', minLength: 1 };

export const bifrostSchemaSubset = {
  $schema: 'https://json-schema.org/draft/2019-09/schema',
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    // Allow-list semantics: 2 (v1.5.0+) = empty denies, ["*"] allows; 1 = v1.4.x (empty allows).
    version: { type: 'integer', enum: [1, 2] },
    client: {
      type: 'object',
      properties: {
        max_request_body_size_mb: { type: 'integer', minimum: 1 },
        required_headers: { type: 'array', items: { type: 'string' } },
        enforce_auth_on_inference: { type: 'boolean' },
      },
      additionalProperties: false,
    },
    providers: {
      type: 'object',
      properties: { openai: { $ref: '#/$defs/provider' }, anthropic: { $ref: '#/$defs/provider' } },
      additionalProperties: { $ref: '#/$defs/provider' },
    },
    governance: {
      type: 'object',
      properties: {
        budgets: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              max_limit: { type: 'number' },
              reset_duration: { type: 'string', pattern: '^[0-9]+(s|m|h|d|w|M|Y)$' },
              virtual_key_id: { type: 'string' },
              team_id: { type: 'string' },
              customer_id: { type: 'string' },
              // TableBudget.CalendarAlignedInput (framework/configstore/tables/budget.go).
              calendar_aligned: { type: 'boolean' },
            },
            required: ['id', 'max_limit', 'reset_duration'],
            additionalProperties: false,
          },
        },
        rate_limits: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              token_max_limit: { type: 'integer' },
              token_reset_duration: { type: 'string', pattern: '^[0-9]+(s|m|h|d|w|M|Y)$' },
              request_max_limit: { type: 'integer' },
              request_reset_duration: { type: 'string', pattern: '^[0-9]+(s|m|h|d|w|M|Y)$' },
            },
            required: ['id'],
            additionalProperties: false,
          },
        },
        customers: {
          type: 'array',
          items: {
            type: 'object',
            properties: { id: { type: 'string' }, name: { type: 'string' }, budget_id: { type: 'string' }, rate_limit_id: { type: 'string' }, calendar_aligned: { type: 'boolean' } },
            required: ['id', 'name'],
            additionalProperties: false,
          },
        },
        teams: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              customer_id: { type: 'string' },
              budget_id: { type: 'string' },
              rate_limit_id: { type: 'string' },
              calendar_aligned: { type: 'boolean' },
            },
            required: ['id', 'name'],
            additionalProperties: false,
          },
        },
        virtual_keys: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              description: { type: 'string' },
              value: { type: 'string' },
              is_active: { type: 'boolean' },
              team_id: { type: 'string' },
              customer_id: { type: 'string' },
              rate_limit_id: { type: 'string' },
              // TableVirtualKey.CalendarAligned (framework/configstore/tables/virtualkey.go @ 014133a).
              calendar_aligned: { type: 'boolean' },
              provider_configs: { type: 'array', items: { $ref: '#/$defs/virtual_key_provider_config' } },
            },
            required: ['id', 'name'],
            // team_id and customer_id are mutually exclusive.
            not: { required: ['team_id', 'customer_id'] },
            additionalProperties: false,
          },
        },
        routing_rules: { type: 'array', items: { $ref: '#/$defs/routing_rule' } },
      },
      additionalProperties: false,
    },
    plugins: {
      type: 'array',
      items: {
        type: 'object',
        required: ['enabled', 'name'],
        properties: { enabled: { type: 'boolean' }, name: { const: 'semantic_cache' }, config: { $ref: '#/$defs/semantic_cache_config' } },
        additionalProperties: false,
      },
    },
    vector_store: {
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        type: { enum: ['weaviate', 'redis', 'qdrant', 'pinecone'] },
        config: {
          type: 'object',
          properties: { addr: envOrLiteral, username: { type: 'string' }, password: { type: 'string' }, db: { type: 'integer' } },
          required: ['addr'],
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
  $defs: {
    provider: {
      type: 'object',
      properties: {
        keys: { type: 'array', items: { $ref: '#/$defs/base_key' }, minItems: 1 },
        network_config: { $ref: '#/$defs/network_config' },
        custom_provider_config: { $ref: '#/$defs/custom_provider_config' },
      },
      required: ['keys'],
      additionalProperties: false,
    },
    base_key: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        // Keys are always `env.NAME` references in an export; a literal key would be a leak.
        value: { type: 'string', pattern: '^env\\.[A-Za-z_][A-Za-z0-9_]*$' },
        models: { type: 'array', items: { type: 'string' } },
        weight: { type: 'number', minimum: 0 },
        // Only on the azure provider's keys (transports/config.schema.json: endpoint required; api_version deprecated, never written).
        azure_key_config: {
          type: 'object',
          properties: { endpoint: { type: 'string', minLength: 1 }, api_version: { type: 'string' } },
          required: ['endpoint'],
          additionalProperties: false,
        },
      },
      required: ['name', 'weight'],
      additionalProperties: false,
    },
    network_config: {
      type: 'object',
      properties: {
        base_url: { type: 'string' },
        extra_headers: { type: 'object', additionalProperties: { type: 'string' } },
        default_request_timeout_in_seconds: { type: 'integer', minimum: 1 },
        max_retries: { type: 'integer', minimum: 0 },
        retry_backoff_initial: { type: 'integer', minimum: 100 },
        retry_backoff_max: { type: 'integer', minimum: 100 },
        stream_idle_timeout_in_seconds: { type: 'integer', minimum: 5, maximum: 3600 },
      },
      additionalProperties: false,
    },
    custom_provider_config: {
      type: 'object',
      properties: {
        base_provider_type: { enum: ['openai', 'anthropic'] },
        is_key_less: { type: 'boolean' },
        allowed_requests: { type: 'object', additionalProperties: { type: 'boolean' } },
        // core/schemas CustomProviderConfig.RequestPathOverrides: request type → path after base_url.
        request_path_overrides: {
          type: 'object',
          propertyNames: { enum: ['chat_completion', 'chat_completion_stream', 'text_completion', 'text_completion_stream', 'embedding', 'responses', 'responses_stream', 'list_models'] },
          additionalProperties: { type: 'string', pattern: '^/' },
        },
      },
      required: ['base_provider_type'],
      additionalProperties: false,
    },
    virtual_key_provider_config: {
      type: 'object',
      properties: {
        provider: { type: 'string' },
        weight: { type: ['number', 'null'] },
        allowed_models: { type: 'array', items: { type: 'string' } },
        // Config-file form of the key allow-list: ["*"] = all keys, empty = none (config version 2).
        key_ids: { type: 'array', items: { type: 'string' } },
        rate_limit_id: { type: 'string' },
      },
      required: ['provider'],
      additionalProperties: false,
    },
    routing_target: {
      type: 'object',
      properties: {
        provider: { type: 'string', minLength: 1 },
        model: { type: 'string', minLength: 1 },
        weight: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      },
      required: ['weight'],
      additionalProperties: false,
    },
    routing_rule: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        description: { type: 'string' },
        enabled: { type: 'boolean' },
        cel_expression: { type: 'string' },
        chain_rule: { type: 'boolean' },
        targets: { type: 'array', minItems: 1, items: { $ref: '#/$defs/routing_target' } },
        fallbacks: { type: 'array', items: { type: 'string' } },
        scope: { enum: ['global', 'team', 'customer', 'virtual_key'] },
        scope_id: { type: 'string' },
        priority: { type: 'integer' },
      },
      required: ['id', 'name', 'targets'],
      additionalProperties: false,
    },
    semantic_cache_config: {
      type: 'object',
      properties: {
        provider: { type: 'string', minLength: 1 },
        embedding_model: { type: 'string' },
        ttl: { oneOf: [{ type: 'string', pattern: '^[0-9]+(ns|us|µs|ms|s|m|h)$' }, { type: 'integer', minimum: 0 }] },
        threshold: { type: 'number', minimum: 0, maximum: 1 },
        vector_store_namespace: { type: 'string' },
        dimension: { type: 'integer', minimum: 1 },
        default_cache_key: { type: 'string' },
        conversation_history_threshold: { type: 'integer', minimum: 0 },
        cache_by_model: { type: 'boolean' },
        cache_by_provider: { type: 'boolean' },
        exclude_system_prompt: { type: 'boolean' },
      },
      required: ['dimension'],
      allOf: [
        {
          if: { properties: { provider: { type: 'string', minLength: 1 } }, required: ['provider'] },
          then: { required: ['provider', 'embedding_model'], properties: { dimension: { type: 'integer', minimum: 2 } } },
          else: { not: { required: ['embedding_model'] }, properties: { dimension: { const: 1 } } },
        },
      ],
      additionalProperties: false,
    },
  },
} as const;
