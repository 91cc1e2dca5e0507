/**
 * Two proxy processes on one data directory (the CLI beside the editor's): one is `kill -9`ed with
 * a call in flight. The survivor must not keep answering "held by calls in flight, retry in 2 s"
 * for a call that will never finish: its refusal finds the dead owner, charges its reservation
 * (worst case, as the restart rule does) and answers with the budget's real state.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { IN_FLIGHT_RETRY_S } from '../../proxy/src/governance/governor';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { spawnProxy, until, type ChildProxy } from '../reliability/support';

let upstream: FakeUpstream;
let dir: string;
let db: Db | undefined;
const proxies: ChildProxy[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-mp-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    [
      'providers:',
      `  openai: { baseUrl: "${upstream.openaiBaseUrl}", timeoutMs: 60000 }`,
      'retries: { attempts: 0 }',
      'budgets:',
      // One call's worst case (max_tokens 20000 of gpt-4o-mini) fills it while in flight.
      '  - { name: shared-day, period: day, usd: 0.005, action: block }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  db?.close();
  for (const p of proxies) await p.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (p: ChildProxy) => new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'sk-test-mp', maxRetries: 0 });

describe('a proxy killed mid-call beside another on the same data directory', () => {
  it('the survivor recovers the dead proxy’s reservation at its next refusal, not minutes later', async () => {
    const data = join(dir, 'data');
    const [a, b] = [await spawnProxy({ dataDir: data, policyFile: join(dir, 'policy.yaml') }), await spawnProxy({ dataDir: data, policyFile: join(dir, 'policy.yaml') })];
    proxies.push(a!, b!);
    // A call that takes long upstream: its reservation holds the whole budget while in flight.
    const slow = client(a!)
      .chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20000, messages: [{ role: 'user', content: 'long task [[fake:slow=30000]]' }] })
      .catch((e: unknown) => e);
    db = openDatabase(join(data, 'tollgate.db'), { vector: false });
    const open = () => db!.prepare("SELECT id, owner_pid FROM governance_reservations WHERE state = 'open'").all() as Array<{ id: string; owner_pid: number }>;
    await until(() => open().length === 1, 400);
    expect(open()[0]!.owner_pid).toBe(a!.pid);

    await a!.kill9();
    await slow;
    const refused = await client(b!)
      .chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'after the crash' }] })
      .then(
        () => undefined,
        (e: unknown) => e as { status?: number; headers?: Headers; message: string },
      );
    expect(refused?.status).toBe(429);
    // The budget is really spent now (the dead call charged at its worst case): retry at the reset,
    // not every 2 s for a hold that will never be released.
    expect(Number(refused?.headers?.get('retry-after'))).toBeGreaterThan(IN_FLIGHT_RETRY_S);
    expect(refused?.message).not.toMatch(/still in flight/);
    expect(open()).toEqual([]);
    const spend = db.prepare("SELECT spent_nano, reserved_nano FROM governance_spend WHERE budget = 'shared-day'").get() as { spent_nano: number; reserved_nano: number };
    expect(spend.reserved_nano).toBe(0);
    expect(spend.spent_nano).toBeGreaterThan(0.005e9);
  }, 90_000);
});
