/**
 * Differential runs of policies written as teams would (see README.md here), each exported to
 * Portkey and run through the real gateway (npm @portkey-ai/gateway) and through Tollgate against
 * the same scripted upstreams in the real wire format, one upstream per provider so the test sees
 * which provider each model call reached. Statuses and the calls per provider must be the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPolicy } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';
import { startProxy } from '../../../proxy/src/server/start';
import { startPortkey, type PortkeyGateway } from '../behaviour/portkeyGateway';
import { startScriptedUpstream, type ScriptedUpstream, type Step } from '../behaviour/scriptedUpstream';

const UPSTREAMS = ['A', 'B', 'C', 'D'] as const;
type Up = (typeof UPSTREAMS)[number];

interface Req {
  protocol?: 'openai' | 'anthropic';
  model: string;
  feature?: string;
}
interface Case {
  id: string;
  /** Policy YAML; `UP_<X>_OPENAI` / `UP_<X>_ANTHROPIC` are upstream X's base URLs. */
  policy: string;
  script: Partial<Record<Up, Record<string, Step[]>>>;
  requests: Req[];
  /** What Tollgate does (the reference): statuses and model calls per upstream. */
  expected: { statuses: number[]; calls: Partial<Record<Up, string[]>> };
}

const quiet = 'cache: { enabled: false }\nretries: { attempts: 0, backoffMs: 10 }\n';
const base = 'providers:\n  openai: { baseUrl: "UP_A_OPENAI", timeoutMs: 2000 }\n  anthropic: { baseUrl: "UP_D_ANTHROPIC", timeoutMs: 2000 }\n';

const CASES: Case[] = [
  {
    id: 'three-provider-fallback-chain',
    policy: `${base}  mistral: { kind: openai, baseUrl: "UP_B_OPENAI", apiKeyEnv: MISTRAL_PROD_API_KEY, models: ["mistral-*", "open-mixtral-*"] }\n${quiet}fallbacks:\n  - from: gpt-4o\n    to: [gpt-4o-mini, mistral/mistral-small-latest]\n`,
    script: { A: { 'gpt-4o': [500], 'gpt-4o-mini': [503] } },
    requests: [{ model: 'gpt-4o' }, { model: 'mistral-large-latest' }, { model: 'open-mixtral-8x22b' }, { model: 'mistral/mistral-small-latest' }],
    expected: { statuses: [200, 200, 200, 200], calls: { A: ['gpt-4o', 'gpt-4o-mini'], B: ['mistral-small-latest', 'mistral-large-latest', 'open-mixtral-8x22b', 'mistral-small-latest'] } },
  },
  {
    id: 'slash-colon-model-names',
    policy: `${base}  together: { kind: openai, baseUrl: "UP_B_OPENAI", models: ["meta-llama/*", "Qwen/*"] }\n  ollama: { kind: openai, baseUrl: "UP_C_OPENAI", models: ["llama3.1:*", "qwen2.5-coder:*"] }\n${quiet}fallbacks:\n  - from: "meta-llama/Llama-3.3-70B-Instruct-Turbo"\n    to: ["ollama/llama3.1:8b", "together/Qwen/Qwen2.5-72B-Instruct"]\n`,
    script: { B: { 'meta-llama/Llama-3.3-70B-Instruct-Turbo': [500] } },
    requests: [{ model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' }, { model: 'together/Qwen/Qwen2.5-72B-Instruct' }, { model: 'qwen2.5-coder:7b' }, { model: 'gpt-4.1-nano' }],
    expected: {
      statuses: [200, 200, 200, 200],
      calls: { A: ['gpt-4.1-nano'], B: ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'Qwen/Qwen2.5-72B-Instruct'], C: ['llama3.1:8b', 'qwen2.5-coder:7b'] },
    },
  },
  {
    id: 'anthropic-compatible-at-names',
    policy: `${base}  vertex: { kind: anthropic, baseUrl: "UP_C_ANTHROPIC", models: ["claude-*@*"] }\n${quiet}fallbacks:\n  - from: "claude-3-5-sonnet@20240620"\n    to: ["anthropic/claude-3-5-sonnet-20241022"]\n`,
    script: { C: { 'claude-3-5-sonnet@20240620': [529] } },
    requests: [{ protocol: 'anthropic', model: 'claude-3-5-sonnet@20240620' }, { protocol: 'anthropic', model: 'claude-3-opus@20240229' }, { protocol: 'anthropic', model: 'claude-3-5-haiku-20241022' }],
    expected: {
      statuses: [200, 200, 200],
      calls: { C: ['claude-3-5-sonnet@20240620', 'claude-3-opus@20240229'], D: ['claude-3-5-sonnet-20241022', 'claude-3-5-haiku-20241022'] },
    },
  },
  {
    id: 'feature-rules-over-tiers',
    // router: score — no request asks for model "auto"; the learned router would load its embedding
    // model at every proxy start, and closing the proxy waits for that load (5–20 s under load).
    policy: `${base}${quiet}routing:\n  router: score\n  tiers:\n    openai: { small: gpt-4o-mini, medium: gpt-4o-mini, large: gpt-4o }\n    anthropic: { small: claude-3-5-haiku-20241022, large: claude-sonnet-4-5 }\n  rules:\n    - name: summaries-small\n      match: { feature: summarize }\n      tier: small\n    - name: code-review-big\n      match: { feature: code-review }\n      model: gpt-4.1\n`,
    script: {},
    requests: [
      { model: 'gpt-4o', feature: 'summarize' },
      { protocol: 'anthropic', model: 'claude-sonnet-4-5', feature: 'summarize' },
      { model: 'gpt-4o-mini', feature: 'code-review' },
      { model: 'gpt-4o', feature: 'chat' },
    ],
    expected: { statuses: [200, 200, 200, 200], calls: { A: ['gpt-4o-mini', 'gpt-4.1', 'gpt-4o'], D: ['claude-3-5-haiku-20241022'] } },
  },
  {
    id: 'glob-fallback-per-provider',
    policy: `${base}  groq: { kind: openai, baseUrl: "UP_B_OPENAI", models: ["llama-*"] }\n${quiet}fallbacks:\n  - from: "llama-*"\n    to: [llama-3.1-8b-instant]\n  - from: "gpt-4*"\n    to: [gpt-4o-mini]\n`,
    script: { B: { 'llama-3.3-70b-versatile': [500] }, A: { 'gpt-4.1': [502] } },
    requests: [{ model: 'llama-3.3-70b-versatile' }, { model: 'gpt-4.1' }],
    expected: { statuses: [200, 200], calls: { A: ['gpt-4.1', 'gpt-4o-mini'], B: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant'] } },
  },
  {
    // OpenRouter names models "anthropic/…": for OpenAI-protocol clients the anthropic provider is
    // no match (another protocol), so they reach openrouter with the name unchanged.
    id: 'openrouter-vendor-prefixed-names',
    policy: `${base}  openrouter: { kind: openai, baseUrl: "UP_B_OPENAI", models: ["anthropic/*", "meta-llama/*"] }\n${quiet}`,
    script: {},
    requests: [{ model: 'anthropic/claude-3.5-sonnet' }, { model: 'meta-llama/llama-3.3-70b-instruct' }, { model: 'gpt-4o' }],
    expected: { statuses: [200, 200, 200], calls: { A: ['gpt-4o'], B: ['anthropic/claude-3.5-sonnet', 'meta-llama/llama-3.3-70b-instruct'] } },
  },
];

let ups: Record<Up, ScriptedUpstream>;
let portkey: PortkeyGateway;

beforeAll(async () => {
  const started = await Promise.all(UPSTREAMS.map(() => startScriptedUpstream()));
  ups = Object.fromEntries(UPSTREAMS.map((u, i) => [u, started[i]])) as Record<Up, ScriptedUpstream>;
  portkey = await startPortkey();
});
afterAll(async () => {
  await Promise.all([...Object.values(ups ?? {}).map((u) => u.close()), portkey?.close()]);
});

function text(c: Case): string {
  let t = c.policy;
  for (const u of UPSTREAMS) t = t.replaceAll(`UP_${u}_OPENAI`, ups[u].openaiBaseUrl).replaceAll(`UP_${u}_ANTHROPIC`, ups[u].anthropicBaseUrl);
  return t;
}
function parsed(c: Case) {
  const t = text(c);
  const p = parsePolicy(t, 'policy.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return { text: t, policy: p.policy };
}

interface Seen {
  statuses: number[];
  calls: Partial<Record<Up, string[]>>;
}

async function run(c: Case, send: (r: Req, body: string) => Promise<Response>): Promise<Seen> {
  for (const u of UPSTREAMS) ups[u].script(c.script[u] ?? {});
  const statuses: number[] = [];
  for (const r of c.requests) {
    const b: Record<string, unknown> = { model: r.model, messages: [{ role: 'user', content: 'hello there' }] };
    if (r.protocol === 'anthropic') b.max_tokens = 64;
    const res = await send(r, JSON.stringify(b));
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  const calls: Partial<Record<Up, string[]>> = {};
  for (const u of UPSTREAMS) {
    const m = ups[u].models();
    if (m.length > 0) calls[u] = m;
  }
  return { statuses, calls };
}

async function throughTollgate(c: Case): Promise<Seen> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-unseen-'));
  const proxy = await startProxy({ port: 0, dataDir, policy: parsed(c).policy, env: {} });
  try {
    return await run(c, (r, body) => {
      const anthropic = r.protocol === 'anthropic';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (anthropic) Object.assign(headers, { 'x-api-key': 'sk-ant-client', 'anthropic-version': '2023-06-01' });
      else headers.authorization = 'Bearer sk-client-test';
      if (r.feature) headers['x-tollgate-feature'] = r.feature;
      return fetch(`${proxy.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, { method: 'POST', headers, body });
    });
  } finally {
    await proxy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function throughPortkey(c: Case): Promise<Seen> {
  const { text: t, policy } = parsed(c);
  const file = exportPolicy(policy, 'portkey', { file: 'policy.yaml', text: t }).files.find((f) => f.path === 'config.json');
  // The deploy step's envsubst of the ${NAME} placeholders.
  const config = JSON.stringify(JSON.parse((file?.content ?? '{}').replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, n: string) => `sk-test-${n.toLowerCase()}`)));
  return run(c, (r, body) => {
    const anthropic = r.protocol === 'anthropic';
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-portkey-config': config, authorization: 'Bearer sk-client-test' };
    if (anthropic) headers['anthropic-version'] = '2023-06-01';
    if (r.feature) headers['x-portkey-metadata'] = JSON.stringify({ feature: r.feature });
    return fetch(`${portkey.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, { method: 'POST', headers, body });
  });
}

describe('unseen policies: Portkey export vs Tollgate (real gateway, one scripted upstream per provider)', () => {
  it.each(CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const tollgate = await throughTollgate(c);
    expect(tollgate, 'Tollgate itself').toEqual(c.expected);
    expect(await throughPortkey(c), 'Portkey with the exported config').toEqual(tollgate);
  }, 30_000);
});

describe('a "<provider>/<model>" request the policy does not name', () => {
  it('is warned for Portkey (a config cannot strip the prefix), and really differs on the gateway', async () => {
    const c: Case = { ...(CASES[1] as Case), requests: [{ model: 'together/Qwen/QwQ-32B' }], expected: { statuses: [200], calls: { B: ['Qwen/QwQ-32B'] } } };
    expect(await throughTollgate(c)).toEqual(c.expected);
    // Portkey: the default route, with the prefix still in the model name.
    expect((await throughPortkey(c)).calls).toEqual({ A: ['together/Qwen/QwQ-32B'] });
    const { text: t, policy } = parsed(c);
    const warning = exportPolicy(policy, 'portkey', { file: 'policy.yaml', text: t }).warnings.find((x) => x.field === 'providers');
    expect(warning?.message).toContain('together/Qwen/Qwen2.5-72B-Instruct');
    expect(warning?.message).toContain('send the bare model name');
  }, 30_000);
});

describe('a fallback to a provider of the other protocol', () => {
  it('is skipped by Tollgate, taken by Portkey (which translates), and the export says so', async () => {
    const c: Case = {
      id: 'cross-protocol',
      policy: `${base}${quiet}fallbacks:\n  - from: "gpt-4o"\n    to: [anthropic/claude-3-5-haiku-20241022]\n`,
      script: { A: { 'gpt-4o': [500] } },
      requests: [{ model: 'gpt-4o' }],
      expected: { statuses: [500], calls: { A: ['gpt-4o'] } },
    };
    expect(await throughTollgate(c)).toEqual(c.expected);
    expect(await throughPortkey(c)).toEqual({ statuses: [200], calls: { A: ['gpt-4o'], D: ['claude-3-5-haiku-20241022'] } });
    const { text: t, policy } = parsed(c);
    for (const target of ['portkey', 'litellm', 'bifrost'] as const) {
      const w = exportPolicy(policy, target, { file: 'policy.yaml', text: t }).warnings.find((x) => x.field === 'fallbacks[0].to');
      expect(w?.message, target).toContain('only for anthropic-protocol clients');
    }
  }, 30_000);
});
