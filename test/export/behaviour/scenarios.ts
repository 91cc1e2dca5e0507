/**
 * The behaviour scenarios: one policy and one scripted upstream behaviour each, run through Tollgate
 * and through the real Portkey gateway with the exported config. `portkey` says what the export
 * promises: the same outcome, or a documented difference with the warning that announces it.
 * docs/export.md carries the same table (scenario × target); the suite checks the two agree.
 */
import type { Step } from './scriptedUpstream';

export interface ScenarioRequest {
  protocol?: 'openai' | 'anthropic';
  model: string;
  feature?: string;
  maxTokens?: number;
  maxCompletionTokens?: number;
  /** Same text twice gives an identical request (cache repeat). */
  text?: string;
}

/** What a client and the provider see: statuses per request, models that reached the upstream, max_tokens sent. */
export interface Outcome {
  statuses: number[];
  models: string[];
  maxTokens: Array<number | null>;
}

export interface Expectation {
  verdict: 'same' | 'warned';
  /** For "warned": the export warning (field, and text it must contain) that announces the difference. */
  warning?: { field: string; says: string };
  /** For "warned": the difference itself, as observed, so a silent fix or a new difference fails. */
  portkeyOutcome?: Partial<Outcome>;
}

export interface Scenario {
  id: string;
  title: string;
  /** Policy YAML; `UP_OPENAI`, `UP_ANTHROPIC` and `REFUSED` are replaced by the test's URLs. */
  policy: string;
  script: Record<string, Step[]>;
  requests: ScenarioRequest[];
  /** What Tollgate does: the reference. */
  tollgate: Partial<Outcome>;
  portkey: Expectation;
  /** Skip running Tollgate (the behaviour is Portkey's refusal of the config itself). */
  portkeyOnly?: boolean;
}

// The timeout only has to fire on a scripted hang (which lasts until the caller gives up), never on
// an ordinary answer: 400 ms did fire on those when the machine was busy with other tests.
const providers = `providers:
  openai: { baseUrl: "UP_OPENAI", timeoutMs: 3000 }
  anthropic: { baseUrl: "UP_ANTHROPIC", timeoutMs: 3000 }
`;
const quiet = `cache: { enabled: false }
retries: { attempts: 0, backoffMs: 10 }
`;
const fallback = `fallbacks:
  - from: gpt-4o
    to: [gpt-4o-mini]
`;
const hang = 'hang' as const;

export const SCENARIOS: Scenario[] = [
  {
    id: 'status-500-fallback',
    title: '500 from the model, fallback configured',
    policy: providers + quiet + fallback,
    script: { 'gpt-4o': [500] },
    requests: [{ model: 'gpt-4o' }],
    tollgate: { statuses: [200], models: ['gpt-4o', 'gpt-4o-mini'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'status-400-fallback',
    title: '400 from the model, fallback configured',
    policy: providers + quiet + fallback,
    script: { 'gpt-4o': [400] },
    requests: [{ model: 'gpt-4o' }],
    tollgate: { statuses: [200], models: ['gpt-4o', 'gpt-4o-mini'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'status-500-not-retryable',
    title: '500 with retryOn [429, 503, timeout]: no retry, still a fallback',
    policy: `${providers}cache: { enabled: false }\nretries: { attempts: 1, backoffMs: 10, retryOn: [429, 503, timeout] }\n${fallback}`,
    script: { 'gpt-4o': [500] },
    requests: [{ model: 'gpt-4o' }],
    tollgate: { statuses: [200], models: ['gpt-4o', 'gpt-4o-mini'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'status-400-no-fallback',
    title: '400 from the model, no fallback',
    policy: providers + quiet,
    script: { 'gpt-4o': [400] },
    requests: [{ model: 'gpt-4o' }],
    tollgate: { statuses: [400], models: ['gpt-4o'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'retry-503',
    title: '503 once, one retry allowed',
    policy: `${providers}cache: { enabled: false }\nretries: { attempts: 1, backoffMs: 10 }\n`,
    script: { 'gpt-4o': [503] },
    requests: [{ model: 'gpt-4o' }],
    tollgate: { statuses: [200], models: ['gpt-4o', 'gpt-4o'] },
    // Same outcome; only the wait differs (Portkey's fixed 1 s), which the export warns about.
    portkey: { verdict: 'same' },
  },
  {
    id: 'timeout-retry-fallback',
    title: 'timeout, one retry, then the fallback',
    policy: `${providers}cache: { enabled: false }\nretries: { attempts: 1, backoffMs: 10 }\n${fallback}`,
    script: { 'gpt-4o': [hang, hang] },
    requests: [{ model: 'gpt-4o' }],
    tollgate: { statuses: [200], models: ['gpt-4o', 'gpt-4o', 'gpt-4o-mini'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'timeout-no-fallback',
    title: 'timeout, no retry, no fallback',
    policy: providers + quiet,
    script: { 'gpt-4o': [hang] },
    requests: [{ model: 'gpt-4o' }],
    tollgate: { statuses: [504], models: ['gpt-4o'] },
    portkey: { verdict: 'warned', warning: { field: 'retries.attempts', says: 'answers a timeout with 408' }, portkeyOutcome: { statuses: [408], models: ['gpt-4o'] } },
  },
  {
    id: 'connect-refused-fallback',
    title: 'connection refused, fallback to another provider',
    policy: `${providers}  down: { kind: openai, baseUrl: "REFUSED", models: ["dead-*"] }\n${quiet}fallbacks:\n  - from: dead-model\n    to: [openai/gpt-4o-mini]\n`,
    script: {},
    requests: [{ model: 'dead-model' }],
    tollgate: { statuses: [200], models: ['gpt-4o-mini'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'connect-refused-no-fallback',
    title: 'connection refused, no fallback',
    policy: `${providers}  down: { kind: openai, baseUrl: "REFUSED", models: ["dead-*"] }\n${quiet}`,
    script: {},
    requests: [{ model: 'dead-model' }],
    tollgate: { statuses: [502], models: [] },
    portkey: { verdict: 'warned', warning: { field: 'retries.attempts', says: 'a refused connection with 500' }, portkeyOutcome: { statuses: [500], models: [] } },
  },
  {
    id: 'rule-keeps-fallback',
    title: 'rule routes to a model whose fallback is needed',
    policy: `${providers}${quiet}${fallback}routing:\n  router: score\n  rules:\n    - name: reports\n      match: { feature: reports }\n      model: gpt-4o\n`,
    script: { 'gpt-4o': [500] },
    requests: [{ model: 'gpt-4.1', feature: 'reports' }],
    tollgate: { statuses: [200], models: ['gpt-4o', 'gpt-4o-mini'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'tier-own-provider',
    title: 'tier rule: each request keeps its own provider',
    // router: score — no request asks for model "auto"; the learned router would load its embedding
    // model at every proxy start, and closing the proxy waits for that load (5–20 s under load).
    policy: `${providers}${quiet}routing:\n  router: score\n  tiers:\n    openai: { small: gpt-4o-mini }\n    anthropic: { small: claude-3-5-haiku-latest }\n  rules:\n    - name: summaries\n      match: { feature: summarize }\n      tier: small\n`,
    script: {},
    requests: [
      ...Array.from({ length: 6 }, (_, i) => ({ model: 'gpt-4.1', feature: 'summarize', text: `sum up ${i}` })),
      ...Array.from({ length: 2 }, (_, i) => ({ protocol: 'anthropic' as const, model: 'claude-sonnet-4-5', feature: 'summarize', text: `sum up ${i}` })),
    ],
    tollgate: { statuses: Array(8).fill(200) as number[], models: [...(Array(6).fill('gpt-4o-mini') as string[]), 'claude-3-5-haiku-latest', 'claude-3-5-haiku-latest'] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'max-tokens-pass-through',
    title: "the client's max_tokens reaches the provider unchanged",
    policy: `${providers}${quiet}defaults: { maxOutputTokens: 4096 }\n`,
    script: {},
    requests: [{ model: 'gpt-4o', maxTokens: 50 }, { model: 'gpt-4o', maxTokens: 16000 }, { model: 'gpt-4o' }, { model: 'gpt-4o', maxCompletionTokens: 64 }],
    tollgate: { statuses: [200, 200, 200, 200], maxTokens: [50, 16000, null, null] },
    portkey: { verdict: 'same' },
  },
  {
    id: 'cache-repeat',
    title: 'the same request twice with the cache on',
    policy: `${providers}cache: { enabled: true, ttlSeconds: 600 }\nretries: { attempts: 0 }\n`,
    script: {},
    requests: [{ model: 'gpt-4o', text: 'repeat me' }, { model: 'gpt-4o', text: 'repeat me' }],
    tollgate: { statuses: [200, 200], models: ['gpt-4o'] },
    portkey: { verdict: 'warned', warning: { field: 'cache.enabled', says: 'has no cache store: every request reaches the upstream' }, portkeyOutcome: { statuses: [200, 200], models: ['gpt-4o', 'gpt-4o'] } },
  },
  {
    id: 'budget-exhausted',
    title: 'a global budget far below one call',
    policy: `${providers}${quiet}budgets:\n  - name: tiny\n    period: day\n    usd: 0.00000001\n`,
    script: {},
    requests: [{ model: 'gpt-4o-mini', text: 'one' }, { model: 'gpt-4o-mini', text: 'two' }],
    // The first call is allowed (nothing spent yet) and overspends; the second is refused.
    tollgate: { statuses: [200, 429], models: ['gpt-4o-mini'] },
    portkey: { verdict: 'warned', warning: { field: 'budgets[0]', says: "open-source gateway has no budgets" }, portkeyOutcome: { statuses: [200, 200], models: ['gpt-4o-mini', 'gpt-4o-mini'] } },
  },
  {
    id: 'private-network-upstream',
    title: 'an upstream in a private network (10.0.0.0/8)',
    policy: `${providers}  lan: { kind: openai, baseUrl: "http://10.255.255.1:9/v1", models: ["lan-*"] }\n${quiet}`,
    script: {},
    requests: [{ model: 'lan-model' }],
    tollgate: {},
    portkeyOnly: true,
    portkey: { verdict: 'warned', warning: { field: 'providers.lan.baseUrl', says: 'TRUSTED_CUSTOM_HOSTS' }, portkeyOutcome: { statuses: [400], models: [] } },
  },
];
