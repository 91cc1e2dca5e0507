/**
 * Every policy field, for every target, is either exported (its fixture value shows up in the
 * generated config) or reported as a warning naming the field — never dropped silently. The field
 * list comes from the policy's JSON Schema, so a new schema field fails here until it is handled.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportPolicy, type ExportResult, type ExportTarget } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { policyFieldPaths } from './policyFields';

const here = dirname(fileURLToPath(import.meta.url));
const text = readFileSync(join(here, '..', 'fixtures', 'export', 'full-policy.yaml'), 'utf8');

/**
 * `out`: text (or pattern) the target's config must contain; `warn`: a warning field prefix; `na`: not
 * a setting; `test`: a test file in this folder that checks the field's warning on every target.
 */
type Handling = { out: string | RegExp } | { warn: string } | { na: string } | { test: string };
type Table = Record<string, Handling>;

const NA_META: Table = {
  $schema: { na: 'editor schema pointer' },
  version: { na: 'policy format version' },
  'server.allowedOrigins': { na: "the local proxy's browser allow-list; gateways have their own CORS settings" },
  'ledger.maxAgeDays': { na: "retention of the local proxy's own ledger" },
  'ledger.maxBytes': { na: "retention of the local proxy's own ledger" },
  'batch.capture.features': { na: "the local proxy's own request capture (batch files from its ledger)" },
  'batch.capture.maxBytes': { na: "the local proxy's own request capture (batch files from its ledger)" },
  'batch.capture.retentionDays': { na: "the local proxy's own request capture (batch files from its ledger)" },
  // Behaviours only Tollgate has: warned on every target (shared.ts warnTollgateOnly).
  'budgets[].unpriced': { warn: 'budgets[0].unpriced' },
  'cache.semantic.adaptive': { warn: 'cache.semantic.adaptive' },
  'cache.semantic.judge': { warn: 'cache.semantic.judge' },
  'cache.semantic.maxFalseHitRisk': { warn: 'cache.semantic.maxFalseHitRisk' },
  'cache.semantic.verify.enabled': { warn: 'cache.semantic.verify' },
  'cache.semantic.verify.fromProbability': { warn: 'cache.semantic.verify' },
  'cache.semantic.verify.model': { warn: 'cache.semantic.verify' },
  'cache.semantic.verify.timeoutMs': { warn: 'cache.semantic.verify' },
  'cache.semantic.wrongAnswerCostUsd': { warn: 'cache.semantic.wrongAnswerCostUsd' },
  'routing.flex[].match.feature': { warn: 'routing.flex' },
  'routing.flex[].match.header': { warn: 'routing.flex' },
  'routing.flex[].match.maxInputTokens': { warn: 'routing.flex' },
  'routing.flex[].match.minInputTokens': { warn: 'routing.flex' },
  'routing.flex[].match.model': { warn: 'routing.flex' },
  'routing.flex[].match.provider': { warn: 'routing.flex' },
  'routing.flex[].name': { warn: 'routing.flex' },
  'routing.flex[].timeoutMs': { warn: 'routing.flex' },
  'routing.qualitySampling.alarmLoss': { warn: 'routing.qualitySampling' },
  'routing.qualitySampling.alarmRise': { warn: 'routing.qualitySampling' },
  'routing.qualitySampling.enabled': { warn: 'routing.qualitySampling' },
  'routing.qualitySampling.judgeModel': { warn: 'routing.qualitySampling' },
  'routing.qualitySampling.rate': { warn: 'routing.qualitySampling' },
  'routing.qualitySampling.window': { warn: 'routing.qualitySampling' },
  'routing.router': { warn: 'routing.router' },
};

const litellm: Table = {
  ...NA_META,
  'budgets[].action': { warn: 'budgets[1].action' },
  'budgets[].name': { na: 'label; LiteLLM budgets are attributes of their owner' },
  'budgets[].period': { out: 'budget_duration: 1mo' },
  'budgets[].scope.feature': { warn: 'budgets[4].scope.feature' },
  'budgets[].scope.key': { out: /"budget_duration": "1d",\s*"key_alias": "tollgate-tg_0123456789abcdef",\s*"max_budget": 1/ },
  'budgets[].scope.team': { out: /"max_budget": 20,[\s\S]*"team_id": "search"/ },
  // The fixture's only user budget ("alice") has action: allow: a monitoring budget is never exported as a cap (allow-budget.test.ts).
  'budgets[].scope.user': { warn: 'budgets[3].action' },
  'budgets[].tokens': { warn: 'budgets[2].tokens' },
  'budgets[].usd': { out: 'max_budget: 500' },
  'budgets[].warnAt': { warn: 'budgets[1].warnAt' },
  'cache.enabled': { out: 'cache: true' },
  'cache.maxEntries': { warn: 'cache.maxEntries' },
  'cache.semantic.backend': { warn: 'cache.semantic.backend' },
  'cache.semantic.allowModelDownload': { warn: 'cache.semantic.allowModelDownload' },
  'cache.semantic.embedTimeoutMs': { warn: 'cache.semantic.embedTimeoutMs' },
  'cache.semantic.enabled': { out: 'type: redis-semantic' },
  'cache.semantic.excludeFeatures': { warn: 'cache.semantic.excludeFeatures' },
  'cache.semantic.threshold': { out: 'similarity_threshold: 0.92' },
  'cache.ttlSeconds': { out: 'ttl: 3600' },
  'cache.version': { out: 'namespace: tollgate-v2' },
  'defaults.maxOutputTokens': { warn: 'defaults.maxOutputTokens' },
  'fallbacks[].from': { out: /- gpt-4o:\n/ },
  'fallbacks[].to': { out: /- gpt-4o:\n\s+- anthropic\/claude-sonnet-4-5\n\s+- gpt-4o-mini/ },
  'providers.*.apiKeyEnv': { out: 'api_key: os.environ/LOCAL_API_KEY' },
  'providers.*.authHeader': { warn: 'providers.local.authHeader' },
  'providers.*.baseUrl': { out: 'api_base: http://127.0.0.1:11434/v1' },
  'providers.*.headers': { out: 'x-org: platform' },
  'providers.*.idleTimeoutMs': { warn: 'providers.openai.idleTimeoutMs' },
  'providers.*.kind': { out: 'model: openai/llama*' },
  'providers.*.models': { out: 'model_name: llama*' },
  'providers.*.timeoutMs': { out: 'timeout: 60' },
  'providers.*.priceAs': { warn: 'providers.openai.priceAs' },
  'rateLimits[].name': { na: 'label; LiteLLM limits are attributes of their owner' },
  'rateLimits[].rpm': { out: '"rpm_limit": 60' },
  'rateLimits[].scope.feature': { warn: 'rateLimits[3].scope.feature' },
  'rateLimits[].scope.key': { out: /"metadata": {\s*"tollgate_fingerprint": "tg_0123456789abcdef",\s*"tollgate_repository": "[0-9a-f]{16}"\s*},\s*"rpm_limit": 5/ },
  'rateLimits[].scope.team': { out: /"rpm_limit": 60,[\s\S]*"team_id": "search"/ },
  'rateLimits[].scope.user': { warn: 'rateLimits[2].scope' },
  'rateLimits[].tpm': { out: '"tpm_limit": 100000' },
  'retries.attempts': { out: 'num_retries: 3' },
  'retries.backoffMs': { out: 'retry_after: 0.05' },
  'retries.maxBackoffMs': { warn: 'retries.maxBackoffMs' },
  'retries.retryOn': { out: 'ServiceUnavailableErrorRetries: 3' },
  'routing.rules[].match.feature': { warn: 'routing.rules[0]' },
  'routing.rules[].match.header': { warn: 'routing.rules[3]' },
  'routing.rules[].match.maxInputTokens': { warn: 'routing.rules[2]' },
  'routing.rules[].match.minInputTokens': { warn: 'routing.rules[2]' },
  'routing.rules[].match.model': { out: 'gpt-3.5-turbo: gpt-4o-mini' },
  'routing.rules[].match.provider': { warn: 'routing.rules[4]' },
  'routing.rules[].model': { out: 'gpt-3.5-turbo: gpt-4o-mini' },
  'routing.rules[].name': { na: 'label; appears in warnings' },
  'routing.rules[].semanticThreshold': { warn: 'routing.rules[2].semanticThreshold' },
  'routing.rules[].tier': { warn: 'routing.rules[0]' },
  'routing.thresholds.large': { warn: 'routing.thresholds' },
  'routing.thresholds.medium': { warn: 'routing.thresholds' },
  'routing.tiers.*.large': { out: /model: openai\/o3\n\s+stream_timeout: 60\n\s+timeout: 60\n\s+model_name: large-openai/ },
  'routing.tiers.*.medium': { out: /model: openai\/gpt-4o\n\s+stream_timeout: 60\n\s+timeout: 60\n\s+model_name: medium-openai/ },
  'routing.tiers.*.small': { out: /model: anthropic\/claude-3-5-haiku-latest\n\s+stream_timeout: 120\n\s+timeout: 120\n\s+model_name: small-anthropic/ },
  'server.maxBodyBytes': { warn: 'server.maxBodyBytes' },
  'server.port': { warn: 'server.port' },
  'tags.keys[].feature': { out: /"tags": \[\s*"ci"\s*\]/ },
  'tags.keys[].fingerprint': { out: '"key_alias": "tollgate-tg_0123456789abcdef"' },
  'tags.keys[].team': { out: /"team_id": "search",\s*"user_id": "carol"/ },
  'tags.keys[].user': { out: '"user_id": "carol"' },
  'tags.required': { warn: 'tags.required' },
};

const portkey: Table = {
  ...NA_META,
  'budgets[].action': { warn: 'budgets[1]' },
  'budgets[].name': { warn: 'budgets[0]' },
  'budgets[].period': { warn: 'budgets[0]' },
  'budgets[].scope.feature': { warn: 'budgets[4]' },
  'budgets[].scope.key': { warn: 'budgets[5]' },
  'budgets[].scope.team': { warn: 'budgets[1]' },
  'budgets[].scope.user': { warn: 'budgets[3]' },
  'budgets[].tokens': { warn: 'budgets[2]' },
  'budgets[].usd': { warn: 'budgets[0]' },
  'budgets[].warnAt': { warn: 'budgets[1]' },
  'cache.enabled': { out: '"cache": {' },
  'cache.maxEntries': { warn: 'cache.maxEntries' },
  'cache.semantic.backend': { warn: 'cache.semantic.backend' },
  'cache.semantic.allowModelDownload': { warn: 'cache.semantic.allowModelDownload' },
  'cache.semantic.embedTimeoutMs': { warn: 'cache.semantic.embedTimeoutMs' },
  'cache.semantic.enabled': { out: '"mode": "semantic"' },
  'cache.semantic.excludeFeatures': { warn: 'cache.semantic.excludeFeatures' },
  'cache.semantic.threshold': { warn: 'cache.semantic.threshold' },
  'cache.ttlSeconds': { out: '"max_age": 3600' },
  'cache.version': { warn: 'cache.version' },
  'defaults.maxOutputTokens': { warn: 'defaults.maxOutputTokens' },
  'fallbacks[].from': { out: /"\$eq": "gpt-4o"\s*}\s*},\s*"then": "fallback-0"/ },
  'fallbacks[].to': { out: /"name": "fallback-0",[\s\S]*?"model": "claude-sonnet-4-5"[\s\S]*?"model": "gpt-4o-mini"/ },
  'providers.*.apiKeyEnv': { out: '"api_key": "${LOCAL_API_KEY}"' },
  'providers.*.authHeader': { warn: 'providers.local.authHeader' },
  'providers.*.baseUrl': { out: '"custom_host": "http://127.0.0.1:11434/v1"' },
  'providers.*.headers': { warn: 'providers.local.headers' },
  'providers.*.idleTimeoutMs': { warn: 'providers.openai.idleTimeoutMs' },
  'providers.*.kind': { out: /"custom_host": "http:\/\/127.0.0.1:11434\/v1",\s*"name": "provider-local",\s*"provider": "openai"/ },
  'providers.*.models': { out: '"$regex": "^(?:llama.*)$"' },
  'providers.*.timeoutMs': { out: '"request_timeout": 60000' },
  'providers.*.priceAs': { warn: 'providers.openai.priceAs' },
  'rateLimits[].name': { warn: 'rateLimits[0]' },
  'rateLimits[].rpm': { warn: 'rateLimits[0]' },
  'rateLimits[].scope.feature': { warn: 'rateLimits[3]' },
  'rateLimits[].scope.key': { warn: 'rateLimits[4]' },
  'rateLimits[].scope.team': { warn: 'rateLimits[1]' },
  'rateLimits[].scope.user': { warn: 'rateLimits[2]' },
  'rateLimits[].tpm': { warn: 'rateLimits[1]' },
  'retries.attempts': { out: '"attempts": 3' },
  'retries.backoffMs': { warn: 'retries.backoffMs' },
  'retries.maxBackoffMs': { warn: 'retries.backoffMs' },
  'retries.retryOn': { out: /"on_status_codes": \[\s*408,\s*429,\s*500,\s*503\s*\]/ },
  'routing.rules[].match.feature': { out: /"metadata.feature": {\s*"\$eq": "summarize"/ },
  'routing.rules[].match.header': { warn: 'routing.rules[3].match.header' },
  'routing.rules[].match.maxInputTokens': { warn: 'routing.rules[2].match.maxInputTokens' },
  'routing.rules[].match.minInputTokens': { warn: 'routing.rules[2].match.minInputTokens' },
  'routing.rules[].match.model': { out: '"$eq": "gpt-3.5-turbo"' },
  'routing.rules[].match.provider': { warn: 'routing.rules[4].match.provider' },
  'routing.rules[].model': { out: /"name": "rule-legacy-model",\s*"override_params": {\s*"model": "gpt-4o-mini"/ },
  'routing.rules[].name': { out: '"then": "rule-summaries-small-openai"' },
  'routing.rules[].semanticThreshold': { warn: 'routing.rules[2].semanticThreshold' },
  'routing.rules[].tier': { out: /"name": "rule-summaries-small-openai",\s*"override_params": {\s*"model": "gpt-4o-mini"/ },
  'routing.thresholds.large': { warn: 'routing.thresholds' },
  'routing.thresholds.medium': { warn: 'routing.thresholds' },
  'routing.tiers.*.large': { warn: 'routing.tiers.openai.large' },
  'routing.tiers.*.medium': { warn: 'routing.tiers.openai.medium' },
  'routing.tiers.*.small': { out: '"model": "claude-3-5-haiku-latest"' },
  'server.maxBodyBytes': { warn: 'server.maxBodyBytes' },
  'server.port': { warn: 'server.port' },
  'tags.keys[].feature': { warn: 'tags.keys[0]' },
  'tags.keys[].fingerprint': { warn: 'tags.keys[0]' },
  'tags.keys[].team': { warn: 'tags.keys[0]' },
  'tags.keys[].user': { warn: 'tags.keys[0]' },
  'tags.required': { warn: 'tags.required' },
};

const bifrost: Table = {
  ...NA_META,
  'budgets[].action': { warn: 'budgets[1].action' },
  'budgets[].name': { out: '"id": "budget-global-monthly"' },
  'budgets[].period': { out: '"reset_duration": "1M"' },
  'budgets[].scope.feature': { warn: 'budgets[4].scope.feature' },
  'budgets[].scope.key': { out: '"virtual_key_id": "vk-tg_0123456789abcdef"' },
  'budgets[].scope.team': { out: /"id": "budget-search-daily",\s*"max_limit": 20,\s*"reset_duration": "1d",\s*"team_id": "team-search"/ },
  // The fixture's only user budget ("alice") has action: allow, left out before its scope is looked at (allow-budget.test.ts).
  'budgets[].scope.user': { warn: 'budgets[3].action' },
  'budgets[].tokens': { out: /"token_max_limit": 2000000,\s*"token_reset_duration": "1w"/ },
  'budgets[].usd': { out: '"max_limit": 500' },
  'budgets[].warnAt': { warn: 'budgets[1].warnAt' },
  'cache.enabled': { out: '"name": "semantic_cache"' },
  'cache.maxEntries': { warn: 'cache.maxEntries' },
  'cache.semantic.backend': { warn: 'cache.semantic.backend' },
  'cache.semantic.allowModelDownload': { warn: 'cache.semantic.allowModelDownload' },
  'cache.semantic.embedTimeoutMs': { warn: 'cache.semantic.embedTimeoutMs' },
  'cache.semantic.enabled': { out: '"embedding_model": "text-embedding-3-small"' },
  'cache.semantic.excludeFeatures': { warn: 'cache.semantic.excludeFeatures' },
  'cache.semantic.threshold': { out: '"threshold": 0.92' },
  'cache.ttlSeconds': { out: '"ttl": 3600' },
  'cache.version': { out: '"vector_store_namespace": "tollgate-v2"' },
  'defaults.maxOutputTokens': { warn: 'defaults.maxOutputTokens' },
  // Per provider: the fallback list has an unprefixed target, which stays on the request's provider.
  'fallbacks[].from': { out: '"cel_expression": "model == \\"gpt-4o\\" && provider == \\"openai\\""' },
  'fallbacks[].to': { out: /"fallbacks": \[\s*"anthropic\/claude-sonnet-4-5",\s*"openai\/gpt-4o-mini"\s*\]/ },
  'providers.*.apiKeyEnv': { out: '"value": "env.LOCAL_API_KEY"' },
  'providers.*.authHeader': { warn: 'providers.local.authHeader' },
  'providers.*.baseUrl': { out: '"base_url": "http://127.0.0.1:11434"' },
  'providers.*.headers': { out: '"x-org": "platform"' },
  'providers.*.idleTimeoutMs': { out: '"stream_idle_timeout_in_seconds": 30' },
  'providers.*.kind': { out: '"base_provider_type": "openai"' },
  'providers.*.models': { warn: 'providers.local.models' },
  'providers.*.timeoutMs': { out: '"default_request_timeout_in_seconds": 60' },
  'providers.*.priceAs': { warn: 'providers.openai.priceAs' },
  'rateLimits[].name': { na: 'label; Bifrost rate limits are named after their owner' },
  'rateLimits[].rpm': { out: /"id": "rl-global",\s*"request_max_limit": 600/ },
  'rateLimits[].scope.feature': { warn: 'rateLimits[3].scope.feature' },
  'rateLimits[].scope.key': { out: /"id": "rl-key-tg_0123456789abcdef",\s*"request_max_limit": 5/ },
  'rateLimits[].scope.team': { out: /"id": "rl-team-search",\s*"request_max_limit": 60/ },
  'rateLimits[].scope.user': { warn: 'rateLimits[2].scope' },
  'rateLimits[].tpm': { out: /"token_max_limit": 100000,\s*"token_reset_duration": "1m"/ },
  'retries.attempts': { out: '"max_retries": 3' },
  'retries.backoffMs': { warn: 'retries.backoffMs' },
  'retries.maxBackoffMs': { out: '"retry_backoff_max": 4000' },
  'retries.retryOn': { warn: 'retries.retryOn' },
  'routing.rules[].match.feature': { out: 'headers[\\"x-tollgate-feature\\"] == \\"summarize\\"' },
  'routing.rules[].match.header': { out: 'headers[\\"x-beta\\"] == \\"yes\\"' },
  'routing.rules[].match.maxInputTokens': { warn: 'routing.rules[2].match' },
  'routing.rules[].match.minInputTokens': { warn: 'routing.rules[2].match' },
  'routing.rules[].match.model': { out: 'model == \\"gpt-3.5-turbo\\"' },
  'routing.rules[].match.provider': { out: 'drafts\\" && provider == \\"openai\\"' },
  'routing.rules[].model': { out: /"id": "rule-legacy-model",[\s\S]*?"model": "gpt-4o-mini"/ },
  'routing.rules[].name': { out: '"name": "summaries-small (openai)"' },
  'routing.rules[].semanticThreshold': { warn: 'routing.rules[2].semanticThreshold' },
  'routing.rules[].tier': { out: /"cel_expression": "headers\[\\"x-tollgate-feature\\"\] == \\"summarize\\" && provider == \\"anthropic\\""/ },
  'routing.thresholds.large': { warn: 'routing.thresholds' },
  'routing.thresholds.medium': { warn: 'routing.thresholds' },
  'routing.tiers.*.large': { out: /"id": "auto-complex-openai",[\s\S]*?"model": "o3"/ },
  'routing.tiers.*.medium': { out: /"id": "auto-medium-openai",[\s\S]*?"model": "gpt-4o"/ },
  'routing.tiers.*.small': { out: /"id": "auto-simple-anthropic",[\s\S]*?"model": "claude-3-5-haiku-latest"/ },
  'server.maxBodyBytes': { out: '"max_request_body_size_mb": 10' },
  'server.port': { warn: 'server.port' },
  'tags.keys[].feature': { warn: 'tags.keys[0]' },
  'tags.keys[].fingerprint': { out: '"id": "vk-tg_0123456789abcdef"' },
  'tags.keys[].team': { out: /"team_id": "team-search"\s*}/ },
  'tags.keys[].user': { warn: 'tags.keys[0]' },
  'tags.required': { out: /"required_headers": \[\s*"x-tollgate-team",\s*"x-tollgate-feature"\s*\]/ },
};

const TABLES: Record<ExportTarget, { table: Table; configFiles: string[] }> = {
  litellm: { table: litellm, configFiles: ['config.yaml', 'management.json'] },
  portkey: { table: portkey, configFiles: ['config.json'] },
  bifrost: { table: bifrost, configFiles: ['config.json'] },
};

function run(target: ExportTarget): ExportResult {
  const parsed = parsePolicy(text, 'full-policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return exportPolicy(parsed.policy, target, { file: 'test/fixtures/export/full-policy.yaml', text });
}

describe.each(Object.keys(TABLES) as ExportTarget[])('%s: every policy field is exported or warned about', (target) => {
  const { table, configFiles } = TABLES[target];
  const result = run(target);
  const config = result.files.filter((f) => configFiles.includes(f.path)).map((f) => f.content).join('\n');

  it('the table covers exactly the fields of the policy schema', () => {
    expect(Object.keys(table).sort()).toEqual(policyFieldPaths());
  });

  it.each(Object.entries(table))('%s', (fieldPath, handling) => {
    if ('out' in handling) {
      if (typeof handling.out === 'string') expect(config).toContain(handling.out);
      else expect(config).toMatch(handling.out);
    } else if ('warn' in handling) {
      expect(result.warnings.map((w) => w.field).filter((f) => f.startsWith(handling.warn))).not.toEqual([]);
    } else if ('test' in handling) {
      const field = fieldPath.replace('.*.', '.').split('.').at(-1) as string;
      expect(readFileSync(join(here, handling.test), 'utf8')).toContain(field);
    }
  });

  it('every warning is listed in the README beside the config', () => {
    const readme = result.files.find((f) => f.path === 'README.md')?.content ?? '';
    for (const w of result.warnings) expect(readme).toContain(`\`${w.field}\`: ${w.message}`);
  });

  it('the README and config name the source policy and its SHA-256', async () => {
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(text).digest('hex');
    const readme = result.files.find((f) => f.path === 'README.md')?.content ?? '';
    expect(readme).toContain(`test/fixtures/export/full-policy.yaml (sha256 ${hash})`);
    if (target === 'litellm') expect(result.files.find((f) => f.path === 'config.yaml')?.content.split('\n')[0]).toContain(hash);
  });

  it('no file contains a secret value, only environment variable references', () => {
    const all = result.files.map((f) => f.content).join('\n');
    expect(all).not.toMatch(/sk-[A-Za-z0-9]{16,}/);
  });
});
