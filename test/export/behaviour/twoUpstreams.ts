/**
 * Two scripted upstreams, one playing OpenAI and one Anthropic, started once per test file, plus a
 * real Tollgate proxy over a policy for the length of a callback. Shared by the tests that compare
 * where Tollgate sends a rewritten model with where an export sends it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Policy } from '../../../proxy/src/policy/schema';
import { startProxy } from '../../../proxy/src/server/start';
import { startScriptedUpstream, type ScriptedUpstream } from './scriptedUpstream';

export interface TwoUpstreams {
  readonly openai: ScriptedUpstream;
  readonly anthropic: ScriptedUpstream;
  /** Clear both scripts and what both have seen (every call answered "ok"). */
  reset(): void;
}

/** Registers beforeAll/afterAll in the calling file; read the fields inside tests, not at import. */
export function useTwoUpstreams(): TwoUpstreams {
  let openai: ScriptedUpstream | undefined;
  let anthropic: ScriptedUpstream | undefined;
  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([startScriptedUpstream(), startScriptedUpstream()]);
  });
  afterAll(async () => {
    await Promise.all([openai?.close(), anthropic?.close()]);
  });
  const started = (u: ScriptedUpstream | undefined): ScriptedUpstream => {
    if (!u) throw new Error('upstreams are started in beforeAll; use them inside a test');
    return u;
  };
  return {
    get openai() {
      return started(openai);
    },
    get anthropic() {
      return started(anthropic);
    },
    reset() {
      started(openai).script({});
      started(anthropic).script({});
    },
  };
}

/** Runs `fn` against a real proxy (port 0, throwaway data dir) over `policy`, then closes both. */
export async function withProxy<T>(policy: Policy, fn: (url: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-export-behaviour-'));
  const proxy = await startProxy({ port: 0, dataDir, policy, env: {} });
  try {
    return await fn(proxy.url);
  } finally {
    await proxy.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
