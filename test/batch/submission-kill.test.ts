/**
 * A proxy `kill -9`ed while it sends a batch's submission (its worst case reserved, the provider
 * has taken the batch, its answer not yet back): the reservation was admitted as held by the
 * provider for the batch's 25-hour window before any batch row named it, so the next start kept it
 * reserved for a day. It is now an ordinary call's reservation until the submission is saved, and
 * the next start settles it like any call a killed proxy left in flight: charged at its worst
 * case (the provider may run the batch, whose results no row will ever claim). A child-process
 * proxy on a real SQLite file, the official OpenAI SDK, the fake provider's batch API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../proxy/src/db/open';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { spawnProxy, until, type ChildProxy } from '../reliability/support';

let upstream: FakeUpstream | undefined;
let proxy: ChildProxy | undefined;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-batch-kill-'));
afterAll(async () => {
  await proxy?.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const line = (i: number) => JSON.stringify({ custom_id: `req-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }], max_tokens: 400 } });

function reservations(): { open: number; reservedNano: number; spentNano: number } {
  const db = new Db(join(dir, 'tollgate.db'), { readonly: true, fileMustExist: true });
  try {
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      open: n("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'"),
      reservedNano: n('SELECT COALESCE(SUM(reserved_nano), 0) AS n FROM governance_spend'),
      spentNano: n('SELECT COALESCE(SUM(spent_nano), 0) AS n FROM governance_spend'),
    };
  } finally {
    db.close();
  }
}

describe('a proxy killed between reserving a batch and saving it', () => {
  it('leaves nothing reserved for a day: the next start charges the worst case, as for any call in flight', async () => {
    upstream = await startFakeUpstream();
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, ['providers:', `  openai: { baseUrl: "${upstream.openaiBaseUrl}" }`, 'budgets:', '  - { name: day, period: day, usd: 100 }', ''].join('\n'));
    proxy = await spawnProxy({ dataDir: dir, policyFile });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-batch-kill', maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(Buffer.from(`${line(0)}\n${line(1)}\n`), 'in.jsonl'), purpose: 'batch' });
    upstream.batch.silentCreates = true;
    const sent = client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }).catch((e: unknown) => e);
    await until(() => upstream!.batch.batches.size === 1);
    const held = reservations();
    expect(held.open).toBe(1);
    expect(held.reservedNano).toBeGreaterThan(0);
    await proxy.kill9();
    expect(await sent).toBeInstanceOf(OpenAI.APIConnectionError);

    proxy = await spawnProxy({ dataDir: dir, policyFile });
    const after = reservations();
    expect(after).toEqual({ open: 0, reservedNano: 0, spentNano: held.reservedNano });
  }, 120_000);
});
