/**
 * A `kill -9` of the proxy's process while a streamed answer is half relayed to a real SDK client
 * (openai, @anthropic-ai/sdk), then a restart on the same data directory: the client sees an error,
 * the ledger holds no row for the cut call and none half-written, the budget reservation the call
 * opened is charged at its worst case as an orphan (never left open), and no partial answer is in
 * the cache: the same request asked again is a miss answered in full.
 */
import Anthropic from '@anthropic-ai/sdk';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db as Database } from '../../proxy/src/db/open';
import { killRig, spawnProxy, type ChildProxy } from './support';

let rig: Awaited<ReturnType<typeof killRig>>;
let dir: string;
let policyFile: string;
let proxy: ChildProxy | undefined;

beforeAll(async () => {
  rig = await killRig('kill-stream');
  ({ dir, policyFile } = rig);
});
afterAll(async () => {
  await proxy?.stop();
  await rig?.close();
});

function read<T>(sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(dir, 'tollgate.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

/** Reads `stream` until `chunks` events arrived, then kills the proxy; the error the client then gets. */
async function killAfter(stream: AsyncIterable<unknown>, chunks: number, p: ChildProxy): Promise<unknown> {
  let seen = 0;
  try {
    for await (const _ of stream) {
      if (++seen === chunks) await p.kill9();
    }
  } catch (e) {
    return seen >= chunks ? e : new Error(`failed after ${seen} events, before the kill: ${(e as Error).message}`);
  }
  return new Error(`the stream ended whole after ${seen} events`);
}

describe('kill -9 while a stream is half relayed, restart on the same data dir', () => {
  const OPENAI_PROMPT = 'kill me mid-stream (openai) [[fake:words=60]] [[fake:gap=30]]';
  const ANTHROPIC_PROMPT = 'kill me mid-stream (anthropic) [[fake:words=60]] [[fake:gap=30]]';

  it('the clients get an error, the ledger has no row for the cut calls, their reservations are charged, the cache holds nothing partial', async () => {
    const ask = (p: ChildProxy) =>
      new OpenAI({ baseURL: `${p.url}/v1`, apiKey: 'sk-kill-stream', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: OPENAI_PROMPT }] });
    const askClaude = (p: ChildProxy) =>
      new Anthropic({ baseURL: p.url, apiKey: 'sk-ant-kill-stream', maxRetries: 0 }).messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 200, stream: true, messages: [{ role: 'user', content: ANTHROPIC_PROMPT }] });
    let p = await spawnProxy({ dataDir: dir, policyFile });
    proxy = p;
    const cut = await killAfter(await ask(p), 5, p);
    expect(cut).toBeInstanceOf(Error);
    expect((cut as Error).message).not.toMatch(/before the kill|ended whole/);

    p = await spawnProxy({ dataDir: dir, policyFile });
    proxy = p;
    const cutClaude = await killAfter(await askClaude(p), 5, p);
    expect((cutClaude as Error).message).not.toMatch(/before the kill|ended whole/);

    // The restart recovers what the killed processes left open.
    const restartedAt = Date.now();
    p = await spawnProxy({ dataDir: dir, policyFile });
    proxy = p;
    expect(read<{ n: number }>('SELECT COUNT(*) AS n FROM calls')).toEqual([{ n: 0 }]);
    const held = read<{ state: string; cost_nano: number }>('SELECT state, cost_nano FROM governance_reservations WHERE created_at < ?', restartedAt);
    expect(held.map((r) => [r.state, r.cost_nano > 0])).toEqual([
      ['recovered', true],
      ['recovered', true],
    ]);
    // Charged at the worst case (the provider may have billed the cut calls), nothing left reserved.
    expect(read<{ spent: number; reserved: number }>('SELECT SUM(spent_nano) AS spent, SUM(reserved_nano) AS reserved FROM governance_spend')).toEqual([{ spent: held[0]!.cost_nano + held[1]!.cost_nano, reserved: 0 }]);
    expect(read<{ n: number }>('SELECT COUNT(*) AS n FROM cache_entries')).toEqual([{ n: 0 }]);

    // Asked again: a miss relayed in full, then recorded and cached once.
    const again = await ask(p).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('miss');
    let text = '';
    for await (const c of again.data) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toMatch(/You said: kill me mid-stream \(openai\)/);
    const again2 = await askClaude(p).withResponse();
    expect(again2.response.headers.get('x-tollgate-cache')).toBe('miss');
    for await (const _ of again2.data) {
      // read to the end
    }
    expect(read<{ status: number }>('SELECT status FROM calls ORDER BY id')).toEqual([{ status: 200 }, { status: 200 }]);
  }, 120_000);
});
