/**
 * A `usd: 0` or `tokens: 0` budget freezes its scope in Tollgate: every call it covers is refused.
 * Each export must make the gateway refuse those calls too, or say that it cannot.
 *
 * LiteLLM cannot run here, so its admission checks are transcribed (BerriAI/litellm
 * `litellm/proxy/auth/auth_checks.py`: the proxy budget is checked only when `litellm.max_budget > 0`,
 * a team or key is refused when `blocked` or when `spend > max_budget`) and applied to the exported
 * config and management bodies before the first call, when nothing is spent yet. Bifrost refuses when
 * `current_usage >= max_limit` (plugins/governance store, budgets and token rate limits alike).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy, type ExportTarget, type ExportWarning } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { ConfigYAML, Management } from './litellmSchema';

const POLICY = `providers:
  openai: {}
budgets:
  - { name: all, period: month, usd: 0 }
  - { name: eng, period: day, usd: 0, scope: { team: eng } }
  - { name: ops-tokens, period: day, tokens: 0, scope: { team: ops } }
  - { name: key, period: week, usd: 0, scope: { key: tg_abcdef1234567890 } }
  - { name: ana, period: day, usd: 0, scope: { user: ana } }
  - { name: web, period: day, usd: 5, scope: { team: web } }
`;

function exported(target: ExportTarget, text = POLICY): { files: Map<string, string>; warnings: ExportWarning[] } {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, target, { file: 'policy.yaml', text });
  return { files: new Map(out.files.map((f) => [f.path, f.content])), warnings: out.warnings };
}

type Body = { team_id?: string; key_alias?: string; user_id?: string; blocked?: boolean; max_budget?: number };

/** LiteLLM's pre-call budget checks for a request made with `key` before anything is spent (spend 0). */
function litellmAdmitsFirstCall(settings: { max_budget?: number }, team: Body | undefined, key: Body): boolean {
  const spend = 0;
  if (key.blocked === true || team?.blocked === true) return false;
  if ((settings.max_budget ?? 0) > 0 && spend > (settings.max_budget ?? 0)) return false;
  for (const owner of [team, key]) if (owner?.max_budget !== undefined && spend > owner.max_budget) return false;
  return true;
}

describe('LiteLLM: a frozen scope is refused or warned, never exported as a cap LiteLLM ignores', () => {
  const { files, warnings } = exported('litellm');
  const config = parse(files.get('config.yaml') as string) as { litellm_settings?: { max_budget?: number } };
  const management = JSON.parse(files.get('management.json') as string) as { requests: Array<{ path: string; body: Body }> };
  const requests = management.requests;
  const team = (id: string) => requests.find((r) => r.path === '/team/new' && r.body.team_id === id)?.body;
  const keyOf = (pred: (b: Body) => boolean) => requests.find((r) => r.path === '/key/generate' && pred(r.body))?.body as Body;

  it('the files still validate against the transcribed LiteLLM schemas', () => {
    const c = ConfigYAML.safeParse(config);
    expect(c.success ? [] : c.error.issues).toEqual([]);
    const m = Management.safeParse(management);
    expect(m.success ? [] : m.error.issues).toEqual([]);
  });

  it('the $0 proxy-wide budget is not written as max_budget 0 (no budget to LiteLLM) and is warned', () => {
    expect(config.litellm_settings?.max_budget).toBeUndefined();
    expect(warnings.find((w) => w.field === 'budgets[0]')?.message).toMatch(/not exported and LiteLLM lets every request through/);
  });

  it('LiteLLM refuses the first call of a frozen team (usd or tokens) and key, and admits the unfrozen team', () => {
    const eng = team('eng');
    const ops = team('ops');
    const web = team('web');
    expect(litellmAdmitsFirstCall(config.litellm_settings ?? {}, eng, keyOf((b) => b.team_id === 'eng'))).toBe(false);
    expect(litellmAdmitsFirstCall(config.litellm_settings ?? {}, ops, keyOf((b) => b.team_id === 'ops'))).toBe(false);
    expect(litellmAdmitsFirstCall(config.litellm_settings ?? {}, undefined, keyOf((b) => b.key_alias === 'tollgate-tg_abcdef1234567890'))).toBe(false);
    expect(litellmAdmitsFirstCall(config.litellm_settings ?? {}, web, keyOf((b) => b.team_id === 'web'))).toBe(true);
    // An unfrozen team carries no blocked flag, so re-applying leaves a block set by hand (litellm-reapply.test.ts).
    expect(web).not.toHaveProperty('blocked');
    for (const f of ['budgets[1]', 'budgets[2]', 'budgets[3]']) expect(warnings.find((w) => w.field === f)?.message, f).toMatch(/exported as blocked: true/);
  });

  it('a frozen user (LiteLLM cannot block one) gets no max_budget that admits calls: the key generated for them is blocked', () => {
    const user = requests.find((r) => r.path === '/user/new' && r.body.user_id === 'ana')?.body;
    expect(user).toEqual({ user_id: 'ana', auto_create_key: false });
    const key = keyOf((b) => b.user_id === 'ana');
    expect(key).toMatchObject({ key_alias: 'tollgate-user-ana', blocked: true });
    expect(litellmAdmitsFirstCall(config.litellm_settings ?? {}, undefined, { ...user, ...key })).toBe(false);
    expect(warnings.find((w) => w.field === 'budgets[4]')?.message).toMatch(/user cannot be blocked.*exported as blocked: true/);
    // Not also told to hand that blocked key to the user.
    expect(warnings.some((w) => w.field === 'users.ana')).toBe(false);
  });

  it("a frozen user's policy key is blocked too, another user's is not", () => {
    const text = `${POLICY}tags:\n  keys:\n    - { fingerprint: tg_aaaaaaaaaaaaaaaa, user: ana }\n    - { fingerprint: tg_bbbbbbbbbbbbbbbb, user: bo }\n`;
    const m = JSON.parse(exported('litellm', text).files.get('management.json') as string) as { requests: Array<{ path: string; body: Body }> };
    const keys = m.requests.filter((r) => r.path === '/key/generate').map((r) => r.body);
    expect(keys.filter((k) => k.user_id !== undefined).map((k) => [k.key_alias, k.blocked])).toEqual([
      ['tollgate-tg_aaaaaaaaaaaaaaaa', true],
      ['tollgate-tg_bbbbbbbbbbbbbbbb', undefined],
    ]);
  });
});

describe('Portkey and Bifrost with a frozen scope', () => {
  it('Portkey says its budget limits cannot hold $0 or 0 tokens, instead of asking for such a limit', () => {
    const { warnings } = exported('portkey');
    for (const f of ['budgets[0]', 'budgets[1]', 'budgets[2]']) {
      const m = warnings.find((w) => w.field === f)?.message ?? '';
      expect(m, f).toMatch(/start at \$1 and 100 tokens: disable/);
    }
    expect(warnings.find((w) => w.field === 'budgets[5]')?.message).toMatch(/must be set as a budget limit/);
  });

  it('Portkey names both caps of a budget that sets USD and tokens', () => {
    const text = 'budgets:\n  - { name: both, period: day, usd: 5, tokens: 1000, scope: { team: web } }\n  - { name: frozen, period: day, usd: 0, tokens: 1000 }\n';
    const { warnings } = exported('portkey', text);
    expect(warnings.find((w) => w.field === 'budgets[0]')?.message).toContain('"both" ($5 and 1000 tokens per day)');
    expect(warnings.find((w) => w.field === 'budgets[1]')?.message).toContain('"frozen" ($0 and 1000 tokens per day) refuses every call');
  });

  // A tokens: 0 budget too: Bifrost refuses to save a rate limit of 0 tokens (TableRateLimit.BeforeSave, ratelimit.go).
  it('Bifrost gets $0 budgets, which it refuses from the first call (usage 0 >= limit 0)', () => {
    const { files } = exported('bifrost');
    const gov = (JSON.parse(files.get('config.json') as string) as { governance: { budgets: Array<{ id: string; max_limit: number }>; rate_limits: Array<{ id: string; token_max_limit?: number }> } }).governance;
    const budgets = new Map(gov.budgets.map((b) => [b.id, b.max_limit]));
    for (const id of ['budget-all', 'budget-eng', 'budget-key', 'budget-ops-tokens']) expect(budgets.get(id), id).toBe(0);
    expect((gov.rate_limits ?? []).filter((r) => r.token_max_limit === 0)).toEqual([]);
  });

  it('Bifrost says once, at budgets, that the $0 global budget holds only for requests with a virtual key and which key to send', () => {
    const only = 'budgets:\n  - { name: all, period: month, usd: 0 }\n  - { name: eng, period: day, usd: 0, scope: { team: eng } }\n';
    const said = exported('bifrost', only).warnings.filter((w) => w.field === 'budgets').map((w) => w.message);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('virtual key vk-global was added');
    expect(said[0]).toContain('client.enforce_auth_on_inference');
  });
});
