/**
 * Crashes: a child-process proxy is `kill -9`ed mid-flight, five times, and restarted on the same
 * data directory while clients keep sending misses, exact hits, streams and Anthropic calls under a
 * budget. Afterwards the database passes integrity_check, every call that completed to the client
 * is in the ledger exactly once, no budget reservation from before the restart stays open, and every
 * cached body parses and replays exactly what its client originally got.
 */
import { Db as Database } from '../../proxy/src/db/open';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killRig, spawnProxy, type ChildProxy } from './support';

const ROUNDS = 5;
const WORKERS = 6;

interface Completed {
  requestId: string;
  path: string;
  body: string;
  stream: boolean;
  answer: string;
  cache: string;
}

let rig: Awaited<ReturnType<typeof killRig>>;
let dir: string;
let policyFile: string;
let proxy: ChildProxy | undefined;
const completed: Completed[] = [];
let restartedAt = 0;

beforeAll(async () => {
  rig = await killRig('crash');
  ({ dir, policyFile } = rig);
});
afterAll(async () => {
  await proxy?.stop();
  await rig?.close();
});

const REPEATED = ['repeat alpha', 'repeat beta', 'repeat gamma', 'repeat delta'];

function pick(worker: number, i: number): { path: string; body: string; stream: boolean } {
  const kind = (worker + i) % 5;
  const fresh = `crash w${worker} i${i} r${Math.random().toString(36).slice(2, 8)}${i % 3 === 0 ? ' [[fake:slow=40]]' : ''}`;
  if (kind === 0 || kind === 1) {
    const content = kind === 0 ? fresh : REPEATED[i % REPEATED.length]!;
    return { path: '/v1/chat/completions', stream: false, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }) };
  }
  if (kind === 2) {
    return { path: '/v1/chat/completions', stream: true, body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: `${fresh} [[fake:words=40]]` }] }) };
  }
  if (kind === 3) return { path: '/v1/messages', stream: false, body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: fresh }] }) };
  return { path: '/v1/messages', stream: true, body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 50, stream: true, messages: [{ role: 'user', content: REPEATED[i % REPEATED.length]! }] }) };
}

/** One client call; returns the completed call, or undefined when the proxy died under it. */
async function call(p: ChildProxy, c: { path: string; body: string; stream: boolean }): Promise<Completed | undefined> {
  try {
    const r = await request(`${p.url}${c.path}`, {
      method: 'POST',
      body: c.body,
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-crash-test', 'x-api-key': 'sk-ant-crash-test' },
    });
    const text = await r.body.text();
    if (r.statusCode !== 200) return undefined;
    const whole = c.stream ? (c.path === '/v1/messages' ? text.includes('event: message_stop') : text.includes('data: [DONE]')) : (JSON.parse(text) as unknown) !== null;
    if (!whole) return undefined;
    return { requestId: String(r.headers['x-tollgate-request-id']), path: c.path, body: c.body, stream: c.stream, answer: text, cache: String(r.headers['x-tollgate-cache']) };
  } catch {
    return undefined; // connection reset by the kill, or a body cut short: not a completed call
  }
}

interface Snapshot {
  integrity: unknown;
  rowsById: Map<string, Array<{ status: number; cache: string }>>;
  staleOpen: number;
  reservations: number;
  reservedNano: number;
  openCostNano: number;
  spentNano: number;
  cachedBodies: string[];
}
let snap: Snapshot;

async function runCrashRounds(): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const p = await spawnProxy({ dataDir: dir, policyFile });
    proxy = p;
    let stop = false;
    let roundDone = 0;
    const target = 8 + Math.floor(Math.random() * 10);
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const res = await call(p, pick(w + round * WORKERS, i));
        if (res) {
          completed.push(res);
          roundDone++;
        }
      }
    });
    // Kill while requests are still in flight: the workers never pause.
    while (roundDone < target) await new Promise((r) => setTimeout(r, 5));
    await p.kill9();
    stop = true;
    await Promise.all(workers);
    proxy = undefined;
  }
  // Restart once more: recoverAfterRestart settles what the killed processes left open.
  restartedAt = Date.now();
  proxy = await spawnProxy({ dataDir: dir, policyFile });
  const db = new Database(join(dir, 'tollgate.db'), { readonly: true, fileMustExist: true });
  try {
    const byId = db.prepare('SELECT status, cache FROM calls WHERE request_id = ?');
    const one = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
    snap = {
      integrity: db.pragma('integrity_check', { simple: true }),
      rowsById: new Map(completed.map((c) => [c.requestId, byId.all(c.requestId) as Array<{ status: number; cache: string }>])),
      staleOpen: one("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open' AND created_at < ?", restartedAt),
      reservations: one('SELECT COUNT(*) AS n FROM governance_reservations'),
      reservedNano: one('SELECT COALESCE(SUM(reserved_nano), 0) AS n FROM governance_spend'),
      openCostNano: one("SELECT COALESCE(SUM(cost_nano), 0) AS n FROM governance_reservations WHERE state = 'open'"),
      spentNano: one('SELECT COALESCE(SUM(spent_nano), 0) AS n FROM governance_spend'),
      cachedBodies: (db.prepare('SELECT body FROM cache_entries').all() as Array<{ body: string }>).map((r) => r.body),
    };
  } finally {
    db.close();
  }
}

describe(`kill -9 mid-flight ${ROUNDS} times, restart on the same data dir`, () => {
  beforeAll(runCrashRounds, 240_000);

  it('clients completed calls in every round', () => {
    expect(completed.length).toBeGreaterThanOrEqual(ROUNDS * 8);
  });

  it('PRAGMA integrity_check is ok', () => {
    expect(snap.integrity).toBe('ok');
  });

  it('no completed call is in the ledger more than once, and any row it has is its 200', () => {
    for (const c of completed) {
      const rows = snap.rowsById.get(c.requestId)!;
      expect(rows.length, c.requestId).toBeLessThanOrEqual(1);
      if (rows[0]) expect(rows[0]).toEqual({ status: 200, cache: c.cache });
    }
  });

  // KNOWN BUG (reported to the lead): the response's last byte goes out before the record stage's
  // `finally` writes the ledger row, so a kill -9 in that window loses the row of a call the client
  // got in full. Fails intermittently until the row is written before the final byte.
  it('every call that completed to the client is in the ledger (exactly once)', () => {
    const missing = completed.filter((c) => snap.rowsById.get(c.requestId)!.length !== 1);
    expect(missing.map((c) => `${c.requestId} ${c.path} stream=${c.stream} cache=${c.cache}`)).toEqual([]);
  });

  it('budget reservations are consistent after recoverAfterRestart', () => {
    expect(snap.reservations).toBeGreaterThan(0);
    expect(snap.staleOpen).toBe(0);
    expect(snap.reservedNano).toBe(snap.openCostNano);
    expect(snap.spentNano).toBeGreaterThan(0);
  });

  it('every cached body parses, and a replay equals an answer a client originally got for that request', async () => {
    expect(snap.cachedBodies.length).toBeGreaterThan(0);
    for (const b of snap.cachedBodies) expect(() => JSON.parse(b) as unknown).not.toThrow();
    // Concurrent misses of one prompt race and the last write wins, so compare with every answer given for it.
    const answersByBody = new Map<string, unknown[]>();
    for (const c of completed.filter((x) => !x.stream)) answersByBody.set(`${c.path} ${c.body}`, [...(answersByBody.get(`${c.path} ${c.body}`) ?? []), JSON.parse(c.answer)]);
    let replayedHits = 0;
    for (const [key, answers] of answersByBody) {
      const [path, ...rest] = key.split(' ');
      const r = await request(`${proxy!.url}${path}`, { method: 'POST', body: rest.join(' '), headers: { 'content-type': 'application/json', authorization: 'Bearer sk-crash-test', 'x-api-key': 'sk-ant-crash-test' } });
      const text = await r.body.text();
      expect(r.statusCode).toBe(200);
      if (r.headers['x-tollgate-cache'] === 'exact') {
        replayedHits++;
        expect(answers).toContainEqual(JSON.parse(text));
      }
    }
    expect(replayedHits).toBeGreaterThan(0);
  });
});
