/**
 * A repository's policy file must not send the user's key in clear text. `baseUrl:
 * http://api.openai.com/v1` names the provider's own host, which was exempt from the trust rule by
 * name alone, so the proxy sent `Authorization: Bearer <key>` unencrypted past every network hop.
 * Now the provider's own host counts only over https: over http it is held like any unapproved host
 * (start log, /healthz `trust.pending`, `policy validate`, a 403 and nothing sent) until the user
 * approves it in their own environment.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runPolicyCli } from '../support/policyCli';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';

const OPENAI_KEY = 'sk-test-cleartext-0123456789';
const ANTHROPIC_KEY = 'sk-ant-test-cleartext-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'tollgate-cleartext-'));
const running: RunningProxy[] = [];

afterEach(async () => {
  while (running.length) await running.pop()!.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policyFile(name: string, yaml: string): string {
  mkdirSync(join(dir, name), { recursive: true });
  const file = join(dir, name, 'policy.yaml');
  writeFileSync(file, yaml);
  return file;
}

async function start(file: string, env: NodeJS.ProcessEnv, warnings: string[] = []): Promise<RunningProxy> {
  const log = { info() {}, warn: (l: string) => warnings.push(l), error() {} };
  const p = await startProxy({ port: 0, dataDir: join(dir, `data-${running.length}-${Date.now()}`), policyFile: file, env, watchPolicy: false, log });
  running.push(p);
  return p;
}

async function pending(p: RunningProxy): Promise<Array<{ provider: string; host: string }>> {
  const health = (await (await fetch(`${p.url}/healthz`)).json()) as { trust: { pending: Array<{ provider: string; host: string }> } };
  return health.trust.pending;
}

async function validate(file: string, env: NodeJS.ProcessEnv): Promise<{ err: string; code: number }> {
  const r = await runPolicyCli(dir, ['validate', file], env);
  return { err: r.err.join('\n'), code: r.code };
}

describe("a policy file pointing a provider at its own host over plain http", () => {
  it('is held: flagged at start, in /healthz and by validate, and a call gets a 403 without a connection', async () => {
    const file = policyFile('openai-http', 'providers:\n  openai:\n    baseUrl: http://api.openai.com/v1\n');
    const warnings: string[] = [];
    const p = await start(file, { OPENAI_API_KEY: OPENAI_KEY }, warnings);
    expect(warnings.join('\n')).toMatch(/api\.openai\.com over plain http/);
    expect(await pending(p)).toEqual([expect.objectContaining({ provider: 'openai', host: 'api.openai.com' })]);

    const r = await fetch(`${p.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
    const body = await r.text();
    expect(r.status).toBe(403);
    expect(body).toMatch(/plain http/);
    expect(body).toMatch(/Nothing was sent/);

    const v = await validate(file, {});
    expect(v.code).toBe(0);
    expect(v.err).toMatch(/warning: .*api\.openai\.com over plain http/);
  });

  it('holds a custom provider of the anthropic kind on http://api.anthropic.com as well', async () => {
    const file = policyFile('anthropic-http', 'providers:\n  claude:\n    kind: anthropic\n    baseUrl: http://api.anthropic.com\n');
    const p = await start(file, { CLAUDE_API_KEY: ANTHROPIC_KEY });
    expect(await pending(p)).toEqual([expect.objectContaining({ provider: 'claude', host: 'api.anthropic.com' })]);
  });

  it('leaves https to the provider alone, and the user can approve the http host in their own environment', async () => {
    const https = await start(policyFile('openai-https', 'providers:\n  openai:\n    baseUrl: https://api.openai.com/v1\n'), { OPENAI_API_KEY: OPENAI_KEY });
    expect(await pending(https)).toEqual([]);
    const approved = await start(policyFile('openai-http-approved', 'providers:\n  openai:\n    baseUrl: http://api.openai.com/v1\n'), {
      OPENAI_API_KEY: OPENAI_KEY,
      TOLLGATE_TRUSTED_HOSTS: 'api.openai.com',
    });
    expect(await pending(approved)).toEqual([]);
  });
});
