/**
 * Bifrost and LiteLLM cannot run here, so each behaviour their export relies on is written down as
 * a fact read from the gateway's own source (repository, path, commit; listed in docs/export.md)
 * and the exported structure is checked against it — not only against a schema, which accepts a
 * config that denies every request. The policy below exercises every fact.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy, type ExportResult, type ExportTarget } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';

const here = dirname(fileURLToPath(import.meta.url));

const POLICY = `
providers:
  openai: { timeoutMs: 30000, idleTimeoutMs: 15000 }
  anthropic: { models: ["claude-*"] }
  lan: { kind: openai, baseUrl: "http://10.1.2.3:8000/v1", models: ["lan-*"] }
cache: { enabled: true, ttlSeconds: 600 }
routing:
  tiers:
    openai: { small: gpt-4o-mini, large: gpt-4o }
    anthropic: { small: claude-3-5-haiku-latest, large: claude-sonnet-4-5 }
  rules:
    - name: summaries
      match: { feature: summarize }
      tier: small
    - name: smart-alias
      match: { model: smart }
      model: gpt-4o
budgets:
  - { name: search-day, scope: { team: search }, period: day, usd: 20 }
  - { name: search-month, scope: { team: search }, period: month, usd: 300 }
  - { name: ci-day, scope: { key: tg_c1c1c1c1c1c1c1c1 }, period: day, usd: 2 }
  - { name: ci-month, scope: { key: tg_c1c1c1c1c1c1c1c1 }, period: month, usd: 30 }
  - { name: alice, scope: { user: alice }, period: week, usd: 5 }
fallbacks:
  - from: gpt-4o
    to: [anthropic/claude-sonnet-4-5]
tags:
  keys:
    - { fingerprint: tg_c1c1c1c1c1c1c1c1, team: platform }
`;

function runText(target: ExportTarget, text: string): ExportResult {
  const p = parsePolicy(text, 'policy.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return exportPolicy(p.policy, target, { file: 'policy.yaml', text });
}
const run = (target: ExportTarget): ExportResult => runText(target, POLICY);
const file = (r: ExportResult, path: string): string => r.files.find((f) => f.path === path)?.content ?? '';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed gateway config
const bifrost = run('bifrost');
const bf = JSON.parse(file(bifrost, 'config.json')) as Obj;
const gov = bf.governance as Obj;
const litellm = run('litellm');
const ll = parse(file(litellm, 'config.yaml')) as Obj;
const mgmt = (JSON.parse(file(litellm, 'management.json')) as Obj).requests as Obj[];
const warned = (r: ExportResult, field: string, says: string): boolean => r.warnings.some((w) => w.field.startsWith(field) && w.message.includes(says));

/** Fact id → check. The ids, statements and sources are the "Gateway facts" table in docs/export.md. */
const FACTS: Record<string, () => void> = {
  'bifrost-key-ids': () => {
    for (const vk of gov.virtual_keys as Obj[]) for (const pc of vk.provider_configs as Obj[]) expect(pc.key_ids).toEqual(['*']);
  },
  'bifrost-allowed-models': () => {
    for (const vk of gov.virtual_keys as Obj[]) for (const pc of vk.provider_configs as Obj[]) expect(pc.allowed_models).toEqual(['*']);
  },
  'bifrost-config-version': () => expect(bf.version).toBe(2),
  'bifrost-calendar-aligned': () => {
    for (const vk of gov.virtual_keys as Obj[]) expect(vk.calendar_aligned).toBe(true);
    for (const t of gov.teams as Obj[]) expect(t.calendar_aligned).toBe(true);
    for (const b of gov.budgets as Obj[]) expect(b.calendar_aligned).toBe(true);
    expect((gov.budgets as Obj[]).map((b) => b.reset_duration).sort()).toEqual(['1M', '1M', '1d', '1d']);
  },
  'bifrost-budgets-per-owner': () => {
    const team = (gov.budgets as Obj[]).filter((b) => b.team_id === 'team-search').map((b) => [b.max_limit, b.reset_duration]);
    expect(team).toEqual([[20, '1d'], [300, '1M']]);
    const key = (gov.budgets as Obj[]).filter((b) => b.virtual_key_id === 'vk-tg_c1c1c1c1c1c1c1c1').map((b) => b.max_limit);
    expect(key).toEqual([2, 30]);
  },
  'bifrost-team-through-vk': () => {
    // Team "search" has budgets and no policy key: it gets a virtual key of its own, and the warning says so.
    const teamKeys = (gov.virtual_keys as Obj[]).filter((v) => v.team_id === 'team-search');
    expect(teamKeys.map((v) => v.id)).toEqual(['vk-team-search']);
    expect(warned(bifrost, 'teams.search', 'x-bf-vk')).toBe(true);
  },
  'bifrost-cache-conversations': () => {
    const cache = (bf.plugins as Obj[]).find((p) => p.name === 'semantic_cache') as Obj;
    expect(cache.config.conversation_history_threshold).toBeGreaterThan(100);
  },
  'bifrost-private-network': () => {
    expect(warned(bifrost, 'providers.lan.baseUrl', 'allow_private_network')).toBe(true);
    // Loopback is allowed whatever the flag says: a local upstream is not warned.
    const local = runText('bifrost', 'providers:\n  local: { kind: openai, baseUrl: "http://127.0.0.1:11434/v1", models: ["llama*"] }\n');
    expect(local.warnings.some((w) => w.message.includes('allow_private_network'))).toBe(false);
  },
  'bifrost-azure-v1': () => {
    const azure = JSON.parse(file(runText('bifrost', 'providers:\n  aoai: { baseUrl: "https://contoso.openai.azure.com/openai/v1", models: ["gpt-4o"] }\n'), 'config.json')) as Obj;
    // No aliases (the requested model is the deployment) and no deprecated api_version.
    expect(azure.providers.azure.keys).toEqual([expect.objectContaining({ azure_key_config: { endpoint: 'https://contoso.openai.azure.com' } })]);
    expect(azure.providers.azure.keys[0].aliases).toBeUndefined();
  },
  'bifrost-request-path-overrides': () => {
    const gemini = JSON.parse(file(runText('bifrost', 'providers:\n  gem: { baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai", models: ["gemini-*"] }\n'), 'config.json')) as Obj;
    expect(gemini.providers.gem.network_config.base_url).toBe('https://generativelanguage.googleapis.com/v1beta/openai');
    expect(gemini.providers.gem.custom_provider_config.request_path_overrides.chat_completion).toBe('/chat/completions');
  },
  'bifrost-routing-provider': () => {
    const rules = (gov.routing_rules as Obj[]).filter((r) => String(r.id).startsWith('rule-summaries'));
    expect(rules.map((r) => [r.cel_expression, r.targets])).toEqual([
      ['headers["x-tollgate-feature"] == "summarize" && provider == "anthropic"', [{ provider: 'anthropic', model: 'claude-3-5-haiku-latest', weight: 1 }]],
      ['headers["x-tollgate-feature"] == "summarize" && provider == "openai"', [{ provider: 'openai', model: 'gpt-4o-mini', weight: 1 }]],
    ]);
  },
  'bifrost-complexity-tier': () => {
    const auto = (gov.routing_rules as Obj[]).filter((r) => String(r.cel_expression).includes('complexity_tier'));
    expect(auto.map((r) => `${r.cel_expression} -> ${r.targets[0].provider}/${r.targets[0].model}`)).toContain(
      'model == "auto" && complexity_tier == "SIMPLE" && provider == "openai" -> openai/gpt-4o-mini',
    );
    expect(auto.every((r) => r.targets.length === 1)).toBe(true);
  },
  'bifrost-rule-fallbacks': () => {
    const alias = (gov.routing_rules as Obj[]).find((r) => r.id === 'rule-smart-alias') as Obj;
    expect(alias.fallbacks).toEqual(['anthropic/claude-sonnet-4-5']);
  },
  'litellm-budget-limits': () => {
    const team = mgmt.find((r) => r.path === '/team/new' && r.body.team_id === 'search')?.body as Obj;
    expect([team.max_budget, team.budget_duration, team.budget_limits]).toEqual([20, '1d', [{ budget_duration: '1mo', max_budget: 300 }]]);
    expect(litellm.warnings.some((w) => w.message.includes('second one'))).toBe(false);
  },
  'litellm-key-budgets': () => {
    const key = mgmt.find((r) => r.path === '/key/generate' && r.body.key_alias === 'tollgate-tg_c1c1c1c1c1c1c1c1')?.body as Obj;
    expect([key.team_id, key.max_budget, key.budget_duration, key.budget_limits]).toEqual(['platform', 2, '1d', [{ budget_duration: '1mo', max_budget: 30 }]]);
  },
  'litellm-auto-create-key': () => {
    const user = mgmt.find((r) => r.path === '/user/new')?.body as Obj;
    expect(user.auto_create_key).toBe(false);
    // Alice's budget then needs a key of her own, generated explicitly and announced.
    expect(mgmt.some((r) => r.path === '/key/generate' && r.body.user_id === 'alice')).toBe(true);
  },
  'litellm-team-through-key': () => {
    expect(mgmt.filter((r) => r.path === '/key/generate' && r.body.team_id === 'search').map((r) => r.body.key_alias)).toEqual(['tollgate-team-search']);
    expect(warned(litellm, 'teams.search', 'tollgate-team-search')).toBe(true);
  },
  'litellm-model-groups': () => {
    const groups = new Map<string, string[]>();
    for (const d of ll.model_list as Obj[]) groups.set(d.model_name, [...(groups.get(d.model_name) ?? []), d.litellm_params.model]);
    // One deployment per group: a group with deployments on two providers would load-balance across them.
    for (const [name, models] of groups) expect(models, name).toHaveLength(1);
    expect(groups.get('small-openai')).toEqual(['openai/gpt-4o-mini']);
    expect(groups.get('small-anthropic')).toEqual(['anthropic/claude-3-5-haiku-latest']);
    // No medium model: the nearest tier, larger first, as the proxy picks it.
    expect(groups.get('medium-openai')).toEqual(['openai/gpt-4o']);
    expect(groups.has('small')).toBe(false);
  },
  'litellm-alias-no-deployment': () => {
    expect((ll.model_list as Obj[]).some((d) => d.model_name === 'smart')).toBe(false);
    expect(ll.router_settings.model_group_alias).toEqual({ smart: 'gpt-4o' });
  },
  'litellm-group-fallbacks': () => {
    // gpt-4o falls back to claude-sonnet-4-5; requests that reach it through the large-openai group
    // ("auto", COMPLEX) keep that fallback, keyed by the group they were routed to.
    const fallbacks = ll.router_settings.fallbacks as Array<Record<string, string[]>>;
    expect(fallbacks).toContainEqual({ 'gpt-4o': ['anthropic/claude-sonnet-4-5'] });
    expect(fallbacks).toContainEqual({ 'large-openai': ['anthropic/claude-sonnet-4-5'] });
  },
  'litellm-complexity-router': () => {
    const auto = (ll.model_list as Obj[]).find((d) => d.model_name === 'auto') as Obj;
    expect(auto.litellm_params.model).toBe('auto_router/complexity_router');
    expect(auto.litellm_params.complexity_router_config.tiers).toEqual({ SIMPLE: 'small-openai', MEDIUM: 'medium-openai', COMPLEX: 'large-openai', REASONING: 'large-openai' });
  },
  'litellm-stream-timeout': () => {
    const d = (ll.model_list as Obj[]).find((x) => x.model_name === 'gpt-4o') as Obj;
    expect([d.litellm_params.timeout, d.litellm_params.stream_timeout]).toEqual([30, 30]);
    expect(warned(litellm, 'providers.openai.idleTimeoutMs', 'stalls after its first byte')).toBe(true);
  },
  'litellm-durations': () => {
    const durations = mgmt.flatMap((r) => [r.body.budget_duration, ...((r.body.budget_limits as Obj[] | undefined) ?? []).map((b) => b.budget_duration)]).filter(Boolean);
    expect(new Set(durations)).toEqual(new Set(['1d', '1mo', '7d']));
  },
};

describe('Bifrost and LiteLLM exports hold to the gateway facts', () => {
  it.each(Object.keys(FACTS))('%s', (id) => FACTS[id]?.());
});

describe('docs/export.md names each fact with its source', () => {
  const docs = readFileSync(join(here, '..', '..', '..', 'docs', 'export.md'), 'utf8');
  it.each(Object.keys(FACTS))('%s', (id) => {
    const row = docs.split('\n').find((l) => l.startsWith(`| \`${id}\` |`));
    expect(row, `a row for ${id}`).toBeDefined();
    // Repository and a 7+ hex commit, or an explicit "unverified" where the source was not located.
    expect(row).toMatch(/(maximhq\/bifrost|BerriAI\/litellm)[^|]*(@ ?[0-9a-f]{7,40}|unverified)/);
  });
});
