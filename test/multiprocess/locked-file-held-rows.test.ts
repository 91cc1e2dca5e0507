/**
 * Another process (a second proxy, a migration) holds the data file's write lock. The first call's ledger row
 * waits busy_timeout (5 s) and is held in memory (ledger.ts). Every later call then retried the held rows on its
 * path with the same 5 s wait: SQLite's busy handler sleeps on the proxy's only thread, so every call, and every
 * stream in flight beside it, froze for 5 s for as long as the lock lasted. Now a call retries held rows without
 * waiting, as the 5 s retry timer does, and holds its own row beside them.
 *
 * The lock holder is a child process that, once armed, lets go the moment the proxy's thread sleeps in the busy
 * handler (/proc/<pid>/wchan: hrtimer_nanosleep; an idle Node thread waits in epoll): a build that waits writes
 * the rows on the second call; this one never sleeps, so both rows are still held when the call returns.
 * Each such pass also moved the first held row to the back, so rows written after the lock reached the ledger
 * out of their calls' order (the dashboard lists calls by id).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { afterEach, expect, it } from 'vitest';
import { Db } from '../../proxy/src/db/sqlite';
import { startHarness, type Harness } from '../support/harness';

const LOCK_HOLDER = `
const { DatabaseSync } = require('@photostructure/sqlite');
const { readFileSync } = require('node:fs');
const db = new DatabaseSync(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
let armed = false;
const release = (why) => { if (db.isTransaction) { db.exec('COMMIT'); console.log(why); } };
const sleeping = () => { try { return /nanosleep/.test(readFileSync('/proc/' + process.argv[2] + '/wchan', 'utf8')); } catch { return false; } };
const watch = () => { if (sleeping()) release('released while the proxy waited'); else if (db.isTransaction) setImmediate(watch); };
require('node:readline').createInterface({ input: process.stdin }).on('line', (l) => {
  if (l === 'arm') { armed = true; console.log('armed'); watch(); }
  else { release('released'); process.exit(0); }
});
console.log('locked');
`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it.skipIf(process.platform !== 'linux')('a call while the file is locked elsewhere retries the held rows without waiting, and holds its own', async () => {
  h = await startHarness({ retries: { attempts: 0 } });
  const child = spawn(process.execPath, ['-e', LOCK_HOLDER, join(h.dataDir, 'tollgate.db'), String(process.pid)], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const said = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const next = (want: string) => new Promise<void>((resolve) => {
    const check = () => (lines.includes(want) ? resolve() : setTimeout(check, 5));
    check();
  });
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  try {
    await next('locked');
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-locked-elsewhere', maxRetries: 0, defaultHeaders: { 'x-tollgate-cache': 'no-store' } });
    const ledger = h.proxy.services.ledger;
    // The first row waits busy_timeout once (the lock may have been a sibling's commit) and is held.
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'first while locked' }] });
    expect(ledger.heldCount).toBe(1);
    child.stdin!.write('arm\n');
    await next('armed');
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'second while locked' }] });
    expect(lines).not.toContain('released while the proxy waited');
    expect(ledger.heldCount).toBe(2);
  } finally {
    child.stdin!.end('release\n');
    await said;
  }
  expect(h.proxy.services.ledger.writeHeld()).toBe(0);
  expect(h.proxy.services.db.prepare('SELECT COUNT(*) FROM calls').pluck().get()).toBe(2);
}, 60_000);

it("rows held while the file is locked elsewhere reach the ledger in their calls' order", async () => {
  h = await startHarness({ retries: { attempts: 0 } });
  const other = new Db(join(h.dataDir, 'tollgate.db'));
  const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-locked-order', maxRetries: 0, defaultHeaders: { 'x-tollgate-cache': 'no-store' } });
  const ids: string[] = [];
  other.exec('BEGIN IMMEDIATE');
  try {
    for (const q of ['first', 'second', 'third', 'fourth']) {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }] }).withResponse();
      ids.push(String(response.headers.get('x-tollgate-request-id')));
    }
    expect(h.proxy.services.ledger.heldCount).toBe(4);
  } finally {
    other.exec('COMMIT');
    other.close();
  }
  expect(h.proxy.services.ledger.writeHeld()).toBe(0);
  expect(h.proxy.services.db.prepare('SELECT request_id FROM calls ORDER BY id').pluck().all()).toEqual(ids);
}, 60_000);
