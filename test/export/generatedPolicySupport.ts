/**
 * Support for test/export/generated-policies.test.ts: a fast-check generator of varied, valid
 * Tollgate policies (as YAML text, parsed by the real parsePolicy) and `exportProblems`, which
 * exports one policy to every target and lists everything wrong with the result: an exception,
 * output the transcribed LiteLLM/Bifrost definitions or the Portkey gateway's config shape reject,
 * unstable output, a key value, a dangling reference inside a config, or a warning naming no field.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { EXPORT_TARGETS, type ExportResult, type ExportTarget, exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { type Policy, resolveProviders } from '../../proxy/src/policy/schema';
import { azureResource } from '../../proxy/src/export/shared';
import { bifrostSchemaSubset } from './bifrostSchema';
import { ConfigYAML, Management } from './litellmSchema';

// --- the generator ------------------------------------------------------------------------

/** Provider names: the built-ins, Bifrost's own names, dotted, upper-case, digit-led, and one that collides with a renamed one. */
const PROVIDER_NAMES = ['openai', 'anthropic', 'ollama', 'azure', 'local', 'openrouter', 'groq', 'my.vllm', 'Together_AI', 'backup', 'ollama-tollgate', 'x1', '9router'];
const MODELS = [
  'gpt-4o', 'gpt-4o-mini', 'o3', 'claude-sonnet-4-5', 'claude-3-5-haiku-latest', 'llama3.1:8b', 'mistral-large', 'qwen/qwen-2.5-72b',
  'deepseek-chat', 'gpt-*', 'claude-*', 'llama*', 'o?', '*', 'anthropic/claude-sonnet-4-5', 'openai/gpt-4o-mini', 'ollama/llama3.1:8b',
  'backup/gpt-4o', 'local/qwen2.5-coder', 'smart', 'gpt-4.1', 'models/gemini-1.5-pro', 'a+b(c)',
];
const BASE_URLS = [
  'https://api.openai.com/v1', 'https://api.anthropic.com', 'http://127.0.0.1:11434/v1', 'http://localhost:8000', 'https://openrouter.ai/api/v1',
  'https://my-resource.openai.azure.com/openai/v1', 'http://10.0.0.5:8080/v1/', 'http://vllm.internal:8000/v1', 'http://[::1]:9000/v1',
  'https://gateway.example.com/anthropic', 'https://api.groq.com/openai/v1',
];
const TEAMS = ['search', 'research', 'platform', 'eng-*', 'data science', 'a:b', 'a-b', 'search-team'];
const USERS = ['alice', 'bob', 'carol@example.com', 'u-*'];
const FEATURES = ['summarize', 'codegen', 'eval-*', 'chat'];
const FINGERPRINTS = ['tg_0123456789abcdef', 'tg_fedcba9876543210', 'tg_00000000aaaaaaaa'];
/** A scope's key is a fingerprint glob too; `tags.keys` names one key exactly. */
const KEY_GLOBS = [...FINGERPRINTS, 'tg_*', 'tg_0*'];
const NAMES = ['x', 'a', 'b', 'c', 'd', 'daily', 'monthly', 'team-x', 'x-openai', 'rule.1', 'R_2'];
const ENV_NAMES = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'MY_KEY', '_PRIVATE', 'AZURE_OPENAI_API_KEY'];
const HEADERS: Array<[string, string]> = [['x-org', 'platform'], ['HTTP-Referer', 'https://app.example.com'], ['X-Title', 'my "quoted" app'], ['anthropic-beta', 'prompt-caching-2024-07-31'], ['x-empty', '']];

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
/** A model reference: mostly from the pool, sometimes prefixed with a generated provider name. */
const modelRef = fc.oneof({ weight: 4, arbitrary: pick(MODELS) }, { weight: 1, arbitrary: fc.tuple(pick(PROVIDER_NAMES), pick(MODELS)).map(([p, m]) => `${p}/${m}`) });
const ms = fc.oneof(fc.integer({ min: 1, max: 4_000 }), fc.integer({ min: 1, max: 7_200_000 }), pick([120_000, 30_000, 1_000, 4_999, 5_000, 3_600_000]));

const provider = fc.record(
  {
    kind: pick(['openai', 'anthropic']),
    baseUrl: pick(BASE_URLS),
    apiKeyEnv: pick(ENV_NAMES),
    authHeader: pick(['authorization', 'api-key', 'x-api-key']),
    headers: fc.subarray(HEADERS).map((h) => Object.fromEntries(h)),
    models: fc.array(pick(MODELS), { maxLength: 3 }),
    timeoutMs: ms,
    idleTimeoutMs: ms,
  },
  { requiredKeys: [] },
);

const match = fc.record(
  {
    feature: pick(FEATURES),
    model: modelRef,
    header: fc.constantFrom({ 'x-beta': 'yes' }, { 'X-Job': 'nightly-*' }),
    minInputTokens: fc.integer({ min: 0, max: 10_000 }),
    maxInputTokens: fc.integer({ min: 1, max: 200_000 }),
  },
  { requiredKeys: [] },
  // The schema refuses a lower bound above the upper one (a rule that matches nothing).
).map((m) => (m.minInputTokens !== undefined && m.maxInputTokens !== undefined && m.minInputTokens > m.maxInputTokens ? { ...m, minInputTokens: m.maxInputTokens } : m));
const scope = fc.record({ team: pick(TEAMS), user: pick(USERS), feature: pick(FEATURES), key: pick(KEY_GLOBS) }, { requiredKeys: [] });
const tierModels = fc.record({ small: modelRef, medium: modelRef, large: modelRef }, { requiredKeys: [] });
const threshold = fc.double({ min: 0, max: 1, noNaN: true });

const policyObject = fc.record(
  {
    server: fc.record({ port: fc.integer({ min: 1, max: 65535 }), maxBodyBytes: fc.integer({ min: 1, max: 200 * 1024 * 1024 }) }, { requiredKeys: [] }),
    providers: fc.dictionary(pick(PROVIDER_NAMES), provider, { maxKeys: 4 }),
    cache: fc.record(
      {
        enabled: fc.boolean(),
        ttlSeconds: fc.integer({ min: 1, max: 10_000_000 }),
        maxEntries: fc.integer({ min: 1, max: 1_000_000 }),
        version: fc.integer({ min: 0, max: 9 }),
        semantic: fc.record(
          {
            enabled: fc.boolean(),
            backend: pick(['auto', 'transformers', 'use-lite', 'upstream']),
            threshold,
            excludeFeatures: fc.subarray(FEATURES),
            judge: fc.boolean(),
            maxFalseHitRisk: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
            adaptive: fc.boolean(),
            embedTimeoutMs: fc.integer({ min: 1, max: 2000 }),
            allowModelDownload: fc.boolean(),
            verify: fc.record({ enabled: fc.boolean(), model: modelRef }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    routing: fc.record(
      {
        tiers: fc.dictionary(pick(PROVIDER_NAMES), tierModels, { maxKeys: 3 }),
        // Ordered as the schema requires (medium at most large; a lone one against the other's default).
        thresholds: fc.oneof(
          fc.tuple(threshold, threshold).map(([a, b]) => ({ medium: Math.min(a, b), large: Math.max(a, b) })),
          fc.record({ medium: fc.double({ min: 0, max: 0.7, noNaN: true }) }),
          fc.record({ large: fc.double({ min: 0.3, max: 1, noNaN: true }) }),
          fc.constant({}),
        ),
        router: pick(['learned', 'score']),
        rules: fc.uniqueArray(
          fc.record({ name: pick(NAMES), match, tier: opt(pick(['small', 'medium', 'large'])), model: opt(fc.oneof({ weight: 9, arbitrary: modelRef }, { weight: 1, arbitrary: fc.constant('') })), semanticThreshold: opt(threshold) }, { requiredKeys: ['name'] }),
          { maxLength: 4, selector: (r) => r.name },
        ),
        flex: fc.uniqueArray(fc.record({ name: pick(NAMES), match, timeoutMs: fc.integer({ min: 1, max: 900_000 }) }, { requiredKeys: ['name'] }), {
          maxLength: 2,
          selector: (r) => r.name,
        }),
        qualitySampling: fc.record({ enabled: fc.boolean(), rate: threshold }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    budgets: fc.uniqueArray(
      fc.record(
        {
          name: pick(NAMES),
          scope,
          period: pick(['day', 'week', 'month']),
          usd: fc.oneof(fc.double({ min: 0.01, max: 10_000, noNaN: true }), pick([1, 5, 20, 500])),
          tokens: fc.integer({ min: 1, max: 100_000_000 }),
          warnAt: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
          action: pick(['block', 'downgrade', 'allow']),
          unpriced: pick(['block', 'allow']),
        },
        { requiredKeys: ['name', 'period'] },
      ).filter((b) => b.usd !== undefined || b.tokens !== undefined),
      { maxLength: 5, selector: (b) => b.name },
    ),
    rateLimits: fc.uniqueArray(
      fc
        .record({ name: pick(NAMES), scope, rpm: fc.integer({ min: 1, max: 100_000 }), tpm: fc.integer({ min: 1, max: 10_000_000 }) }, { requiredKeys: ['name'] })
        .filter((r) => r.rpm !== undefined || r.tpm !== undefined),
      { maxLength: 4, selector: (r) => r.name },
    ),
    defaults: fc.record({ maxOutputTokens: fc.integer({ min: 1, max: 64_000 }) }, { requiredKeys: [] }),
    retries: fc.record(
      {
        attempts: fc.integer({ min: 0, max: 10 }),
        backoffMs: fc.integer({ min: 0, max: 20_000 }),
        maxBackoffMs: fc.integer({ min: 1, max: 60_000 }),
        retryOn: fc.subarray([429, 500, 502, 503, 504, 408, 409, 'connect', 'timeout'] as Array<number | string>),
      },
      { requiredKeys: [] },
    ),
    fallbacks: fc.array(fc.record({ from: modelRef, to: fc.array(modelRef, { minLength: 1, maxLength: 3 }) }), { maxLength: 3 }),
    tags: fc.record(
      {
        required: fc.subarray(['team', 'feature', 'user']),
        keys: fc.array(fc.record({ fingerprint: pick(FINGERPRINTS), team: pick(TEAMS), user: pick(USERS), feature: pick(FEATURES) }, { requiredKeys: ['fingerprint'] }), {
          maxLength: 3,
        }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

/** Drop `undefined` values (fc.option's "absent") so the YAML has no `null`s the schema would reject. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, clean(v)]));
  return value;
}

/** Tiers only under providers the policy has (tiers under any other name are a policy error). */
function declaredTiers<P extends { providers?: Record<string, unknown>; routing?: { tiers?: Record<string, unknown> } }>(p: P): P {
  const tiers = p.routing?.tiers;
  if (!tiers) return p;
  const names = new Set(['openai', 'anthropic', ...Object.keys(p.providers ?? {})]);
  return { ...p, routing: { ...p.routing, tiers: Object.fromEntries(Object.entries(tiers).filter(([name]) => names.has(name))) } };
}

/** Policy YAML text, block or flow style. Not every text is valid: callers skip what parsePolicy rejects. */
export const policyText: fc.Arbitrary<string> = fc
  .tuple(policyObject, fc.boolean())
  .map(([p, flow]) => stringify(clean(declaredTiers(p)), flow ? { collectionStyle: 'flow', lineWidth: 0 } : { lineWidth: 0 }));

// --- the checks ---------------------------------------------------------------------------

const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
const validateBifrost = ajv.compile(bifrostSchemaSubset);

/** The keys Portkey's gateway knows, from its bundled source (the same check as portkey.test.ts). */
const gatewaySource = readFileSync(
  join(dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json')), 'build', 'start-server.js'),
  'utf8',
);
const camel = (k: string): string => k.replace(/(_\w)/g, (m) => (m[1] as string).toUpperCase());
const knownKeys = new Map<string, boolean>();
function portkeyKnows(key: string): boolean {
  let v = knownKeys.get(key);
  if (v === undefined) {
    // Also a provider option read by destructuring (`{apiVersion:r,deploymentId:o}=e` in the
    // azure-openai adapter), which no `.name` access shows.
    v = gatewaySource.includes(`${key}:c.`) || new RegExp(`\\.${camel(key)}\\b`).test(gatewaySource) || new RegExp(`[{,]${camel(key)}:[A-Za-z_$][\\w$]*[,}]`).test(gatewaySource);
    knownKeys.set(key, v);
  }
  return v;
}
const operators = new Set([...gatewaySource.matchAll(/e\.[A-Za-z]+="(\$[a-z]+)"/g)].map((m) => m[1]));

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkPortkeyQuery(query: Obj, path: string, out: string[]): void {
  for (const [ctx, cond] of Object.entries(query)) {
    if (ctx === '$and' || ctx === '$or') {
      if (!operators.has(ctx)) out.push(`portkey: unknown operator ${path}.${ctx}`);
      for (const [i, q] of (cond as Obj[]).entries()) checkPortkeyQuery(q, `${path}.${ctx}[${i}]`, out);
      continue;
    }
    if (!/^(metadata|params|url)\.[A-Za-z0-9_-]+$/.test(ctx)) out.push(`portkey: unknown query field ${path}.${ctx}`);
    for (const [op, v] of Object.entries(cond as Obj)) {
      if (!operators.has(op)) out.push(`portkey: unknown operator ${path}.${ctx}.${op}`);
      if (op === '$regex') {
        try {
          new RegExp(v as string);
        } catch {
          out.push(`portkey: invalid $regex at ${path}.${ctx}`);
        }
      }
    }
  }
}

/** Portkey's config shape: known keys only, strategies whose targets exist, keys only as `${NAME}` placeholders. */
function portkeyProblems(value: unknown, path: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) portkeyProblems(v, `${path}[${i}]`, out);
    return;
  }
  if (!isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const here = path ? `${path}.${k}` : k;
    if (k === 'override_params') continue;
    if (k === 'query') {
      checkPortkeyQuery(v as Obj, here, out);
      continue;
    }
    if (!portkeyKnows(k)) out.push(`portkey: key unknown to the gateway: ${here}`);
    if ((k === 'api_key' || k === 'azure_ad_token') && !/^\$\{[A-Z_][A-Z0-9_]*\}$/.test(String(v))) out.push(`portkey: api_key is not a \${NAME} placeholder at ${here}: ${String(v)}`);
    portkeyProblems(v, here, out);
  }
  const strategy = value.strategy as Obj | undefined;
  const targets = value.targets as Obj[] | undefined;
  if (strategy !== undefined) {
    if (!['single', 'fallback', 'loadbalance', 'conditional'].includes(strategy.mode as string)) out.push(`portkey: unknown strategy mode at ${path}`);
    if (!Array.isArray(targets) || targets.length === 0) out.push(`portkey: strategy without targets at ${path}`);
  } else if (!('provider' in value) && /targets\[\d+\]$/.test(path)) out.push(`portkey: target without provider or strategy at ${path}`);
  if (strategy?.mode === 'conditional') {
    const names = (targets ?? []).map((t) => t.name as string);
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    if (dup.length > 0) out.push(`portkey: conditional targets share names ${[...new Set(dup)].join(', ')} at ${path}`);
    const refs = [...((strategy.conditions as Obj[]) ?? []).map((c) => c.then as string), strategy.default as string];
    for (const r of refs) if (!names.includes(r)) out.push(`portkey: condition names missing target "${r}" at ${path}`);
  }
}

/** Inside Bifrost's governance, ids are unique and every reference names something that exists. */
function bifrostProblems(config: Obj, expectedProviders: number, out: string[]): void {
  const gov = (config.governance ?? {}) as Record<string, Obj[] | undefined>;
  const ids = (list: string): string[] => (gov[list] ?? []).map((x) => x.id as string);
  for (const list of ['budgets', 'rate_limits', 'customers', 'teams', 'virtual_keys', 'routing_rules']) {
    const all = ids(list);
    const dup = all.filter((id, i) => all.indexOf(id) !== i);
    if (dup.length > 0) out.push(`bifrost: duplicate ${list} ids ${[...new Set(dup)].join(', ')}`);
  }
  const refs: Array<[string, string]> = [['budget_id', 'budgets'], ['rate_limit_id', 'rate_limits'], ['customer_id', 'customers'], ['team_id', 'teams'], ['virtual_key_id', 'virtual_keys']];
  for (const list of ['budgets', 'customers', 'teams', 'virtual_keys'])
    for (const item of gov[list] ?? [])
      for (const [field, target] of refs)
        if (item[field] !== undefined && !ids(target).includes(item[field] as string)) out.push(`bifrost: ${list} ${item.id} ${field} "${String(item[field])}" names nothing`);
  const providers = Object.keys((config.providers ?? {}) as Obj);
  if (providers.length !== expectedProviders) out.push(`bifrost: ${expectedProviders} policy providers became ${providers.length} Bifrost providers`);
  for (const v of gov.virtual_keys ?? [])
    for (const pc of (v.provider_configs ?? []) as Obj[]) if (!providers.includes(pc.provider as string)) out.push(`bifrost: virtual key ${v.id} names unknown provider ${String(pc.provider)}`);
  for (const r of gov.routing_rules ?? []) {
    const targets = (r.targets ?? []) as Obj[];
    const sum = targets.reduce((s, t) => s + (t.weight as number), 0);
    if (Math.abs(sum - 1) > 1e-9) out.push(`bifrost: rule ${r.id} weights sum to ${sum}`);
    for (const t of targets) if (t.provider !== undefined && !providers.includes(t.provider as string)) out.push(`bifrost: rule ${r.id} targets unknown provider ${String(t.provider)}`);
    for (const f of (r.fallbacks ?? []) as string[]) if (!providers.includes(f.slice(0, f.indexOf('/')))) out.push(`bifrost: rule ${r.id} falls back to unknown provider in ${f}`);
  }
  // AddProviderKeysToSemanticCacheConfig (transports/bifrost-http/lib/config.go) fails on a provider the config lacks.
  for (const p of (config.plugins ?? []) as Obj[]) {
    const embedder = (p.config as Obj).provider;
    if (embedder !== undefined && !providers.includes(embedder as string)) out.push(`bifrost: semantic_cache embeds with unknown provider ${String(embedder)}`);
  }
}

/** LiteLLM's router reads one fallback list per model group (the first entry naming it); a second entry is never used. */
function litellmProblems(config: Obj, out: string[]): void {
  const router = (config.router_settings ?? {}) as Obj;
  const groups = ((router.fallbacks ?? []) as Obj[]).flatMap((f) => Object.keys(f));
  const dup = groups.filter((g, i) => groups.indexOf(g) !== i);
  if (dup.length > 0) out.push(`litellm: several fallback entries for model group(s) ${[...new Set(dup)].join(', ')}`);
}

/**
 * Whether a warning's field names something in the policy: a dotted path (with `[i]` indices) that
 * exists once defaults are filled in (providers resolved, so built-ins count), or `teams.<id>` /
 * `users.<id>` for a team or user the policy names in a scope or key.
 */
function namesField(policy: Policy, field: string): boolean {
  const resolved = Object.fromEntries([...resolveProviders(policy)].map(([k, v]) => [k, v]));
  const teams = new Set([...policy.budgets, ...policy.rateLimits].map((b) => b.scope.team).concat(policy.tags.keys.map((k) => k.team)));
  const users = new Set([...policy.budgets, ...policy.rateLimits].map((b) => b.scope.user).concat(policy.tags.keys.map((k) => k.user)));
  const tm = /^teams\.(.*)$/s.exec(field);
  if (tm) return teams.has(tm[1]);
  const um = /^users\.(.*)$/s.exec(field);
  if (um) return users.has(um[1]);
  const root: Obj = { ...(policy as unknown as Obj), providers: resolved };
  const segs = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  const walk = (node: unknown, rest: string[]): boolean => {
    if (rest.length === 0) return node !== undefined;
    if (!node || typeof node !== 'object') return false;
    // An optional field left unset (e.g. cache.semantic.threshold) is still a field of its parent object.
    if (rest.length === 1 && !Array.isArray(node) && !/^\d+$/.test(rest[0] as string)) return true;
    // Provider names may contain dots: try every split.
    for (let j = 1; j <= rest.length; j++) {
      const key = rest.slice(0, j).join('.');
      if (Object.hasOwn(node, key) && walk((node as Obj)[key], rest.slice(j))) return true;
    }
    return false;
  };
  return walk(root, segs);
}

const SECRET = 'sk-SECRET-value-never-exported';

/** Everything wrong with the exports of one policy, as readable lines; empty when all is well. */
/** `policy` is `text` parsed, when the caller has parsed it already (parsing is a third of the work). */
export function exportProblems(text: string, parsed: Policy | undefined = undefined): string[] {
  let policy = parsed;
  if (!policy) {
    const p = parsePolicy(text, 'policy.yaml');
    if (!p.ok) return [];
    policy = p.policy;
  }
  const out: string[] = [];
  // Key values in the environment must never reach a file: only their names may.
  const envNames = [...resolveProviders(policy).values()].map((p) => p.apiKeyEnv);
  const saved = new Map(envNames.map((n) => [n, process.env[n]]));
  for (const n of envNames) process.env[n] = `${SECRET}-${n}`;
  try {
    for (const target of EXPORT_TARGETS) out.push(...targetProblems(policy, text, target));
  } finally {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  }
  return out;
}

function run(policy: Policy, text: string, target: ExportTarget): ExportResult | string {
  try {
    return exportPolicy(policy, target, { file: 'policy.yaml', text });
  } catch (err) {
    return `${target}: threw ${(err as Error).stack ?? String(err)}`;
  }
}

function targetProblems(policy: Policy, text: string, target: ExportTarget): string[] {
  const out: string[] = [];
  const a = run(policy, text, target);
  if (typeof a === 'string') return [a];
  const b = run(structuredClone(policy), text, target);
  if (typeof b === 'string') return [b];
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${target}: exporting twice gave different output`);
  const file = (path: string): string => a.files.find((f) => f.path === path)?.content ?? '';
  for (const f of a.files) if (f.content.includes(SECRET)) out.push(`${target}: ${f.path} contains a key value`);
  for (const w of a.warnings) {
    if (!w.field || !namesField(policy, w.field)) out.push(`${target}: warning names no policy field: "${w.field}": ${w.message.slice(0, 120)}`);
    if (!w.message.trim()) out.push(`${target}: warning on ${w.field} has no message`);
  }
  if (target === 'litellm') {
    // LiteLLM reads its config with PyYAML (YAML 1.1: an unquoted 2024-10-21 is a date, `on` a boolean).
    const config = parse(file('config.yaml'), { version: '1.1' }) as Obj;
    const c = ConfigYAML.safeParse(config);
    if (!c.success) out.push(`litellm: config.yaml: ${JSON.stringify(c.error.issues.slice(0, 3))}`);
    const m = Management.safeParse(JSON.parse(file('management.json')));
    if (!m.success) out.push(`litellm: management.json: ${JSON.stringify(m.error.issues.slice(0, 3))}`);
    litellmProblems(config, out);
  } else if (target === 'bifrost') {
    const config = JSON.parse(file('config.json')) as Obj;
    if (!validateBifrost(config)) out.push(`bifrost: config.json: ${JSON.stringify(validateBifrost.errors?.slice(0, 3))}`);
    // Azure resources are keys of Bifrost's one azure provider; every other provider is its own.
    const all = [...resolveProviders(policy).values()];
    const azure = all.filter((p) => azureResource(p)).length;
    bifrostProblems(config, all.length - azure + (azure > 0 ? 1 : 0), out);
    const azureKeys = ((config.providers as Record<string, { keys?: unknown[] }> | undefined)?.azure?.keys ?? []).length;
    if (azure > 0 && azureKeys !== azure) out.push(`bifrost: ${azure} Azure providers became ${azureKeys} keys of the azure provider`);
  } else {
    portkeyProblems(JSON.parse(file('config.json')), '', out);
  }
  return out;
}
