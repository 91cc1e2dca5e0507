/**
 * The data directory removed (`rm -rf`) or its file replaced (a sync tool or backup restoring an
 * older copy) under a running proxy. SQLite keeps writing to the file it opened — unlinked, or no
 * longer the one at the path — so calls went on "recorded" into rows lost at the next stop, with no
 * word to anyone. Now the proxy notices (the path's inode against the one it opened, at most once a
 * second), stops writing, refuses calls with a 503 that says what to do, and /healthz says so.
 */
import OpenAI from 'openai';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../../proxy/src/db/sqlite';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let openai: OpenAI;

beforeEach(async () => {
  h = await startHarness({ cache: { enabled: false } });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
});
afterEach(async () => {
  await h.close();
});

const ask = (i: number) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] });

/** Asks until a call is refused with a 503 (the proxy checks at most once a second); the refusal, and the statuses before it. */
async function refusal(before: Array<number | 'ok'> = []): Promise<InstanceType<typeof OpenAI.APIError>> {
  for (let i = 1; i <= 40; i++) {
    const err = await ask(i).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (err instanceof OpenAI.APIError && err.status === 503) return err;
    before.push(err instanceof OpenAI.APIError ? (err.status ?? -1) : 'ok');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no call was refused');
}

describe('the data file removed or replaced under a running proxy', () => {
  it('a deleted data directory: calls are refused with a message that says to restart, and /healthz says so', async () => {
    await ask(0);
    rmSync(h.dataDir, { recursive: true, force: true });
    const before: Array<number | 'ok'> = [];
    const e = await refusal(before);
    // Before the check noticed (at most a second): relayed and recorded into the unlinked file.
    expect(before.every((b) => b === 'ok')).toBe(true);
    expect(e.status).toBe(503);
    expect(e.code).toBe('tollgate_data_file_replaced');
    expect(e.message).toMatch(/was removed or replaced while this proxy was running/);
    expect(e.message).toMatch(/Restart it/);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    const upstreamCalls = h.upstream.calls();
    await expect(ask(100)).rejects.toMatchObject({ status: 503 });
    expect(h.upstream.calls()).toBe(upstreamCalls);
    const hz = (await (await fetch(`${h.proxy.url}/healthz`)).json()) as { dataFileProblem?: { reason: string; message: string } };
    expect(hz.dataFileProblem?.reason).toBe('replaced');
  });

  it('an older copy restored over the file: calls are refused with the same message', async () => {
    const dbFile = join(h.dataDir, 'tollgate.db');
    const backup = join(h.dataDir, 'backup.db');
    // The "older copy": taken now, before the call below.
    const reader = new Db(dbFile);
    reader.prepare('VACUUM INTO ?').run(backup);
    reader.close();
    await ask(0);
    renameSync(backup, dbFile);
    const e = await refusal();
    expect(e.status).toBe(503);
    expect(e.code).toBe('tollgate_data_file_replaced');
    expect(e.message).toMatch(/was removed or replaced while this proxy was running/);
    const hz = (await (await fetch(`${h.proxy.url}/healthz`)).json()) as { dataFileProblem?: { reason: string } };
    expect(hz.dataFileProblem?.reason).toBe('replaced');
  });
});
