/**
 * A budget with `action: allow` is a monitoring budget: past its cap Tollgate marks and warns but
 * never refuses a request. Every gateway budget refuses requests once spent, so an export that
 * wrote it as a LiteLLM max_budget, a Bifrost budget or token limit (or told Portkey users to set it
 * as a budget limit) turned "watch this spend" into an outage in production. Checked on a real
 * proxy first (over its cap, the allow budget still lets calls through, the same budget with
 * `block` refuses), then on each export: the allow budget is left out and warned at its `action`,
 * while a blocking budget beside it is still exported.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import type { Policy } from '../../proxy/src/policy/schema';
import { useTwoUpstreams, withProxy } from './behaviour/twoUpstreams';

const up = useTwoUpstreams();

function parsed(text: string): Policy {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

/** Statuses of three small calls through a proxy whose only budget is spent after the first. */
async function statusesWith(action: 'allow' | 'block'): Promise<number[]> {
  const policy = parsed(`providers:
  openai: { baseUrl: "${up.openai.openaiBaseUrl}" }
cache: { enabled: false }
budgets:
  - { name: watch, period: day, usd: 0.0000001, action: ${action} }
`);
  return withProxy(policy, async (url) => {
    up.reset();
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-client', maxRetries: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await client.chat.completions
        .create({ model: 'gpt-4o-mini', max_tokens: 8, messages: [{ role: 'user', content: `hello ${i}` }] })
        .withResponse()
        .then((r) => r.response.status)
        .catch((e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : -1));
      statuses.push(res);
    }
    return statuses;
  });
}

const text = `budgets:
  - { name: watch-all, period: month, usd: 500, action: allow }
  - { name: watch-ml, scope: { team: ml }, period: week, usd: 40, tokens: 900000, action: allow }
  - { name: cap-ml, scope: { team: ml }, period: day, usd: 25 }
`;

const out = (target: 'litellm' | 'portkey' | 'bifrost') => exportPolicy(parsed(text), target, { file: 'policy.yaml', text });
const file = (target: 'litellm' | 'portkey' | 'bifrost', path: string): string => out(target).files.find((f) => f.path === path)?.content ?? '';

describe('a budget with action: allow (monitor only)', () => {
  it('in Tollgate, never refuses a call over its cap (the same budget with block does)', async () => {
    expect(await statusesWith('allow')).toEqual([200, 200, 200]);
    const blocked = await statusesWith('block');
    expect(blocked[0]).toBe(200);
    expect(blocked.slice(1).every((s) => s >= 400)).toBe(true);
  }, 60_000);

  it('LiteLLM: no max_budget or budget window for it; the blocking budget stays', () => {
    const config = parse(file('litellm', 'config.yaml')) as { litellm_settings: Record<string, unknown> };
    expect(config.litellm_settings.max_budget).toBeUndefined();
    expect(config.litellm_settings.budget_duration).toBeUndefined();
    const requests = (JSON.parse(file('litellm', 'management.json')) as { requests: Array<{ path: string; body: Record<string, unknown> }> }).requests;
    const team = requests.find((r) => r.path === '/team/new' && r.body.team_id === 'ml')?.body;
    expect(team).toMatchObject({ max_budget: 25, budget_duration: '1d' });
    expect(team?.budget_limits).toBeUndefined();
  });

  it('Bifrost: no budget, token limit or owner made for it; the blocking budget stays', () => {
    const config = JSON.parse(file('bifrost', 'config.json')) as {
      governance: { budgets?: Array<{ id: string; max_limit: number; team_id?: string }>; rate_limits?: unknown[]; customers?: unknown[]; virtual_keys?: Array<{ id: string }> };
    };
    expect(config.governance.budgets).toEqual([expect.objectContaining({ id: 'budget-cap-ml', max_limit: 25, team_id: 'team-ml' })]);
    expect(config.governance.rate_limits).toBeUndefined();
    expect(config.governance.customers).toBeUndefined();
    expect(config.governance.virtual_keys?.map((v) => v.id)).toEqual(['vk-team-ml']);
  });

  it('Bifrost: a policy whose only budget is monitor-only gets no virtual-key advice for budgets it does not have', () => {
    const only = 'budgets:\n  - { name: watch, scope: { team: ml }, period: month, usd: 500, action: allow }\n';
    const result = exportPolicy(parsed(only), 'bifrost', { file: 'policy.yaml', text: only });
    expect(result.warnings.map((w) => w.field)).toEqual(expect.arrayContaining(['budgets[0].action']));
    expect(result.warnings.filter((w) => w.field === 'budgets' || w.field.startsWith('teams.'))).toEqual([]);
    expect(JSON.parse(result.files.find((f) => f.path === 'config.json')?.content ?? '{}').governance).toBeUndefined();
  });

  it.each(['litellm', 'portkey', 'bifrost'] as const)('%s: warns at each allow budget’s action that it was left out, and why', (target) => {
    const warnings = out(target).warnings;
    for (const [i, name] of [[0, 'watch-all'], [1, 'watch-ml']] as const) {
      const w = warnings.filter((x) => x.field.startsWith(`budgets[${i}]`));
      expect(w.map((x) => x.field)).toEqual([`budgets[${i}].action`]);
      expect(w[0]?.message).toContain(`"${name}"`);
      expect(w[0]?.message).toMatch(/never refuses/);
      expect(w[0]?.message).toMatch(/not exported/);
    }
    // The blocking budget is still exported (Portkey: still told to set it as a limit).
    expect(warnings.some((x) => x.field === 'budgets[2].action')).toBe(false);
  });
});
