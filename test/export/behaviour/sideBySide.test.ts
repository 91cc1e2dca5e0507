/**
 * Behavioural conformance of the Portkey export: every scenario in scenarios.ts runs the same
 * scripted upstream behaviour through Tollgate (the real proxy, in-process, real SQLite) and through
 * the real Portkey gateway (npm @portkey-ai/gateway) carrying the exported config. Each outcome
 * (statuses, the models that reached the provider, the max_tokens it saw) must be the same, or differ
 * exactly as documented, with the export warning that says so. docs/export.md must show the same
 * verdicts. Only the provider is fake.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPolicy } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';
import { startProxy } from '../../../proxy/src/server/start';
import { startPortkey, type PortkeyGateway } from './portkeyGateway';
import { SCENARIOS, type Outcome, type Scenario, type ScenarioRequest } from './scenarios';
import { refusedUrl, startScriptedUpstream, type ScriptedUpstream } from './scriptedUpstream';

const here = dirname(fileURLToPath(import.meta.url));

let upstream: ScriptedUpstream;
let portkey: PortkeyGateway;
let refused: string;

beforeAll(async () => {
  [upstream, portkey, refused] = await Promise.all([startScriptedUpstream(), startPortkey(), refusedUrl()]);
});
afterAll(async () => {
  await Promise.all([upstream?.close(), portkey?.close()]);
});

function policyText(s: Scenario): string {
  return s.policy.replaceAll('UP_OPENAI', upstream.openaiBaseUrl).replaceAll('UP_ANTHROPIC', upstream.anthropicBaseUrl).replaceAll('REFUSED', refused);
}

function parsed(s: Scenario) {
  const text = policyText(s);
  const p = parsePolicy(text, 'policy.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return { text, policy: p.policy };
}

function body(r: ScenarioRequest): Record<string, unknown> {
  const b: Record<string, unknown> = { model: r.model, messages: [{ role: 'user', content: r.text ?? 'hello there' }] };
  if (r.maxTokens !== undefined) b.max_tokens = r.maxTokens;
  if (r.maxCompletionTokens !== undefined) b.max_completion_tokens = r.maxCompletionTokens;
  if (r.protocol === 'anthropic' && b.max_tokens === undefined) b.max_tokens = 64;
  return b;
}

/** Sends the scenario's requests one by one and reads what the provider saw. */
async function run(s: Scenario, send: (r: ScenarioRequest) => Promise<Response>): Promise<Outcome> {
  upstream.script(s.script);
  const statuses: number[] = [];
  for (const r of s.requests) {
    const res = await send(r);
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  const bodies = upstream.bodies();
  return {
    statuses,
    models: bodies.map((b) => String(b.model)),
    maxTokens: bodies.map((b) => (typeof b.max_tokens === 'number' ? b.max_tokens : null)),
  };
}

async function throughTollgate(s: Scenario): Promise<Outcome> {
  const { policy } = parsed(s);
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-behaviour-'));
  const proxy = await startProxy({ port: 0, dataDir, policy, env: {} });
  try {
    return await run(s, (r) => {
      const anthropic = r.protocol === 'anthropic';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (anthropic) Object.assign(headers, { 'x-api-key': 'sk-ant-client', 'anthropic-version': '2023-06-01' });
      else headers.authorization = 'Bearer sk-client-test';
      if (r.feature) headers['x-tollgate-feature'] = r.feature;
      return fetch(`${proxy.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, { method: 'POST', headers, body: JSON.stringify(body(r)) });
    });
  } finally {
    await proxy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function portkeyExport(s: Scenario) {
  const { text, policy } = parsed(s);
  return exportPolicy(policy, 'portkey', { file: 'policy.yaml', text });
}

async function throughPortkey(s: Scenario): Promise<Outcome> {
  const file = portkeyExport(s).files.find((f) => f.path === 'config.json');
  // What the deploy step does with the ${NAME} placeholders (envsubst).
  const config = (file?.content ?? '{}').replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => `sk-test-${name.toLowerCase()}`);
  const compact = JSON.stringify(JSON.parse(config));
  return run(s, (r) => {
    const anthropic = r.protocol === 'anthropic';
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-portkey-config': compact, authorization: 'Bearer sk-client-test' };
    if (anthropic) headers['anthropic-version'] = '2023-06-01';
    // Portkey routes on metadata.feature; clients send it in x-portkey-metadata (see the export README).
    if (r.feature) headers['x-portkey-metadata'] = JSON.stringify({ feature: r.feature });
    return fetch(`${portkey.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, { method: 'POST', headers, body: JSON.stringify(body(r)) });
  });
}

function pick(o: Outcome, keys: Partial<Outcome>): Partial<Outcome> {
  const out: Partial<Outcome> = {};
  for (const k of Object.keys(keys) as Array<keyof Outcome>) (out as Record<string, unknown>)[k] = o[k];
  return out;
}

describe('Portkey export behaves like Tollgate, scenario by scenario (real gateway, scripted upstream)', () => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', async (_id, s) => {
    const tollgate = s.portkeyOnly ? undefined : await throughTollgate(s);
    if (tollgate) expect(pick(tollgate, s.tollgate), 'Tollgate itself').toEqual(s.tollgate);
    const pk = await throughPortkey(s);
    if (s.portkey.verdict === 'same') {
      const keys = { statuses: [], models: [], maxTokens: [], ...s.tollgate };
      expect(pick(pk, keys)).toEqual(pick(tollgate as Outcome, keys));
    } else {
      expect(pick(pk, s.portkey.portkeyOutcome ?? {}), 'the documented Portkey outcome').toEqual(s.portkey.portkeyOutcome);
      if (tollgate) expect(pick(pk, s.portkey.portkeyOutcome ?? {})).not.toEqual(pick(tollgate, s.portkey.portkeyOutcome ?? {}));
      const w = s.portkey.warning as { field: string; says: string };
      const warnings = portkeyExport(s).warnings.filter((x) => x.field === w.field).map((x) => x.message);
      expect(warnings.join('\n'), `warning on ${w.field}`).toContain(w.says);
    }
  });
});

describe('docs/export.md shows the same verdicts', () => {
  const docs = readFileSync(join(here, '..', '..', '..', 'docs', 'export.md'), 'utf8');
  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', (id, s) => {
    const row = docs.split('\n').find((l) => l.startsWith(`| \`${id}\` |`));
    expect(row, `a table row for ${id}`).toBeDefined();
    const portkeyCell = (row as string).split('|')[3]?.trim() ?? '';
    expect(portkeyCell.startsWith(s.portkey.verdict)).toBe(true);
    if (s.portkey.warning) expect(row).toContain(s.portkey.warning.says);
  });
});
