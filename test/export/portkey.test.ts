/**
 * The Portkey export checked by Portkey itself: the real open-source gateway from the
 * @portkey-ai/gateway npm package runs offline in a child process (pinned to 127.0.0.1), the
 * exported config is sent as `x-portkey-config`, and the fake upstream shows what reached it.
 * The gateway's own config schema is not strict (unknown keys are silently stripped), so the key
 * check below derives the keys it knows from its source instead of trusting a 200.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import type { FakeUpstream } from '../support/fakeUpstream';
import { usePortkeyBesideUpstream } from './behaviour/portkeyBesideUpstream';

const gatewayPkg = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
const gatewayScript = join(dirname(gatewayPkg), 'build', 'start-server.js');

/** Test keys the deploy step would substitute for the `${NAME}` placeholders (what envsubst does). */
const TEST_ENV: Record<string, string> = { OPENAI_API_KEY: 'sk-openai-test', ANTHROPIC_API_KEY: 'sk-ant-test', BACKUP_KEY: 'sk-backup-test' };

function exportConfig(policyYaml: string, env: Record<string, string> = TEST_ENV): Record<string, unknown> {
  const parsed = parsePolicy(policyYaml, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const file = exportPolicy(parsed.policy, 'portkey', { file: 'policy.yaml', text: policyYaml }).files.find((f) => f.path === 'config.json');
  const rendered = (file?.content ?? '{}').replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => env[name] ?? '');
  return JSON.parse(rendered) as Record<string, unknown>;
}

const portkey = usePortkeyBesideUpstream();
let upstream: FakeUpstream;
let base: string;

beforeAll(() => {
  upstream = portkey.upstream;
  base = portkey.gateway.url;
});

async function chat(config: unknown, body: Record<string, unknown>, metadata?: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: 'Bearer sk-test-not-a-real-key',
    'x-portkey-config': typeof config === 'string' ? config : JSON.stringify(config),
  };
  if (metadata) headers['x-portkey-metadata'] = JSON.stringify(metadata);
  return fetch(`${base}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });
}

const policyFor = (u: FakeUpstream): string => `
providers:
  openai: { baseUrl: "${u.openaiBaseUrl}" }
  anthropic: { baseUrl: "${u.anthropicBaseUrl}" }
  backup: { kind: openai, baseUrl: "${u.openaiBaseUrl}", apiKeyEnv: BACKUP_KEY }
routing:
  tiers:
    openai: { small: tiny-model }
  rules:
    - name: summaries
      match: { feature: summarize }
      tier: small
retries: { attempts: 0 }
fallbacks:
  - from: gpt-4o
    to: [backup/gpt-4o-mini]
cache: { enabled: false }
`;

describe('Portkey gateway accepts the export', () => {
  it('answers a plain request through the exported default route', async () => {
    upstream.reset();
    const res = await chat(exportConfig(policyFor(upstream)), { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.status).toBe(200);
    const chats = upstream.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats).toHaveLength(1);
    expect((chats[0]?.body as { model?: string } | undefined)?.model).toBe('gpt-4.1');
    // The key came from the rendered config, not from the client's Authorization header.
    expect(chats[0]?.headers.authorization).toBe('Bearer sk-openai-test');
  });

  it('sends Anthropic-protocol requests (/v1/messages) to the anthropic provider, as the proxy does', async () => {
    upstream.reset();
    const res = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-test', 'anthropic-version': '2023-06-01', 'x-portkey-config': JSON.stringify(exportConfig(policyFor(upstream))) },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(upstream.requests.map((r) => r.path)).toContain('/v1/messages');
    expect(upstream.requests.find((r) => r.path === '/v1/messages')?.headers['x-api-key']).toBe('sk-ant-test');
  });

  it('routes on metadata.feature to the tier model (conditional strategy)', async () => {
    upstream.reset();
    const res = await chat(exportConfig(policyFor(upstream)), { model: 'gpt-4.1', messages: [{ role: 'user', content: 'sum up' }] }, { feature: 'summarize' });
    expect(res.status).toBe(200);
    const chats = upstream.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats.map((r) => (r.body as { model: string }).model)).toEqual(['tiny-model']);
  });

  it('really falls back: the first target fails with 500, the fallback model answers', async () => {
    upstream.reset();
    const res = await chat(exportConfig(policyFor(upstream)), { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi [[fake:fail-first=1]]' }] });
    expect(res.status).toBe(200);
    const chats = upstream.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats.map((r) => (r.body as { model: string }).model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(chats.map((r) => r.headers.authorization)).toEqual(['Bearer sk-openai-test', 'Bearer sk-backup-test']);
  });

  it('without the fallback the same failure reaches the client (the control case)', async () => {
    upstream.reset();
    const noFallback = exportConfig(policyFor(upstream).replace(/fallbacks:[\s\S]*?cache:/, 'cache:'));
    const res = await chat(noFallback, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi [[fake:fail-first=1]]' }] });
    expect(res.status).toBe(500);
  });

  it('accepts the export of a policy with cache, retries and default max_tokens, and leaves the client\'s max_tokens alone', async () => {
    upstream.reset();
    const yaml = `${policyFor(upstream).replace('cache: { enabled: false }', 'cache: { enabled: true, ttlSeconds: 600 }').replace('attempts: 0', 'attempts: 2')}
defaults: { maxOutputTokens: 321 }`;
    const res = await chat(exportConfig(yaml), { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.status).toBe(200);
    const chats = upstream.requests.filter((r) => r.path.endsWith('/chat/completions'));
    // defaults.maxOutputTokens only sizes Tollgate's budget reservations: nothing is added upstream.
    expect(chats).toHaveLength(1);
    expect((chats[0]?.body as { max_tokens?: number } | undefined)?.max_tokens).toBeUndefined();
  });

  it('rejects a bad config with 400', async () => {
    const bad = { strategy: { mode: 'round-robin' }, targets: [{ provider: 'openai', api_key: 'x' }] };
    const res = await chat(bad, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(400);
    const notJson = await chat('{not json', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(notJson.status).toBe(400);
  });
});

describe('no key of the Portkey export is unknown to the gateway', () => {
  // Keys the gateway knows: those of its zod config schema (`key:c.` in the bundle) and the
  // camelCased properties it reads (it camelCases config keys before use), both from its source.
  const source = readFileSync(gatewayScript, 'utf8');
  const camel = (k: string): string => k.replace(/(_\w)/g, (m) => (m[1] as string).toUpperCase());
  const known = (key: string): boolean => source.includes(`${key}:c.`) || new RegExp(`\\.${camel(key)}\\b`).test(source);
  const operators = new Set([...source.matchAll(/e\.[A-Za-z]+="(\$[a-z]+)"/g)].map((m) => m[1]));

  /** Conditional-router queries: "<context>.<field>" keys with operator objects, combined by $and/$or. */
  function checkQuery(query: Record<string, unknown>, path: string, out: string[]): void {
    for (const [ctx, cond] of Object.entries(query)) {
      if (ctx === '$and' || ctx === '$or') {
        if (!operators.has(ctx)) out.push(`${path}.${ctx}`);
        for (const [i, q] of (cond as Array<Record<string, unknown>>).entries()) checkQuery(q, `${path}.${ctx}[${i}]`, out);
        continue;
      }
      if (!/^(metadata|params|url)\.[A-Za-z0-9_-]+$/.test(ctx)) out.push(`${path}.${ctx}`);
      for (const op of Object.keys(cond as Record<string, unknown>)) if (!operators.has(op)) out.push(`${path}.${ctx}.${op}`);
    }
  }

  function unknownKeys(value: unknown, path: string, out: string[]): void {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) unknownKeys(v, `${path}[${i}]`, out);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (k === 'override_params') continue; // request parameters (model, max_tokens), not config keys
      if (k === 'query') {
        checkQuery(v as Record<string, unknown>, here, out);
        continue;
      }
      if (!known(k)) out.push(here);
      unknownKeys(v, here, out);
    }
  }

  it('the check itself notices a key the gateway does not know', () => {
    const out: string[] = [];
    unknownKeys({ retry: { attempts: 1, backoff_ms: 5 }, strategy: { mode: 'fallback' } }, '', out);
    expect(out).toEqual(['retry.backoff_ms']);
  });

  it('finds none in the export of the full fixture policy', () => {
    const text = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'export', 'full-policy.yaml'), 'utf8');
    const config = exportConfig(text, {});
    const out: string[] = [];
    unknownKeys(config, '', out);
    expect(out).toEqual([]);
    expect(operators.has('$eq') && operators.has('$regex')).toBe(true);
  });
});
