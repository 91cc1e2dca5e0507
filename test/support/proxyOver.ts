/**
 * A provider-specific fake upstream, a real proxy (test/support/harness.ts) whose policy points that
 * provider at it (no retries; the test's policy added), and an official SDK client through the
 * proxy: started in beforeAll, closed in afterAll, read in the tests through getters.
 */
import { afterAll, beforeAll } from 'vitest';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { startHarness, type Harness } from './harness';

export interface ProxyOver<U, C> {
  readonly up: U;
  readonly h: Harness;
  readonly client: C;
}

export function proxyOver<U extends { baseUrl: string; close(): Promise<void> }, C>(o: {
  provider: 'openai' | 'anthropic';
  startUpstream: () => Promise<U>;
  client: (h: Harness) => C;
  policy?: PolicyInput;
}): ProxyOver<U, C> {
  let up: U | undefined;
  let h: Harness | undefined;
  let client: C | undefined;
  beforeAll(async () => {
    up = await o.startUpstream();
    h = await startHarness({ retries: { attempts: 0 }, ...o.policy }, { [o.provider]: { baseUrl: up.baseUrl } });
    client = o.client(h);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await up?.close();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('proxyOver: read in a test, after beforeAll');
    return v;
  };
  return {
    get up() {
      return ready(up);
    },
    get h() {
      return ready(h);
    },
    get client() {
      return ready(client);
    },
  };
}
