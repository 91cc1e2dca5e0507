/**
 * `tollgate start 2>>proxy.log` on a disk that fills: the next log line cannot be written and the
 * proxy exits 1 (common.ts ignoreBrokenPipes). Ledger rows it held in memory (the database was
 * locked, or its own disk full, a moment before) must get their last try on the way out, as at a
 * forced stop: the calls were answered and billed, and a plain process.exit dropped them.
 * The full disk is a file size limit (`ulimit -f`, EFBIG), which Node reports as it would ENOSPC.
 * The lock is held until the exit has begun, so the 5 s retry timer (which never waits for a lock)
 * cannot be what wrote the row: /proc shows the exit's write waiting in SQLite's busy handler.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { startFakeUpstream } from '../support/fakeUpstream';
import { until } from '../reliability/support';
import { CLI } from './cli';

const root = mkdtempSync(join(tmpdir(), 'tollgate-logfull-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Room for the database; the log is then grown to the limit (sparse) to fill it. bash counts KiB.
const LIMIT_KIB = 256 * 1024;

describe('a running proxy whose log file can take no more', () => {
  it.skipIf(process.platform !== 'linux')('writes the ledger rows it held before it exits 1', async () => {
    const upstream = await startFakeUpstream();
    const policy = join(root, 'policy.yaml');
    const data = join(root, 'data');
    const log = join(root, 'proxy.log');
    writeFileSync(policy, `providers:\n  openai: { baseUrl: "${upstream.openaiBaseUrl}" }\nretries: { attempts: 0 }\n`);
    const fd = openSync(log, 'a');
    const child = spawn('bash', ['-c', `ulimit -f ${LIMIT_KIB}; exec "$0" "$@"`, process.execPath, ...CLI, 'start', '--port', '0', '--data-dir', data, '--policy', policy], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: root },
      stdio: ['ignore', 'pipe', fd],
    });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let db: ReturnType<typeof openDatabase> | undefined;
    let out = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`proxy exited before listening: ${out}`)));
      });
      db = openDatabase(join(data, 'tollgate.db'), { vector: false });
      // Another connection holds the write lock: the answered call's row is held in memory.
      db.exec('BEGIN IMMEDIATE');
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test-logfull', maxRetries: 0 });
      const { data: answer, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'held while the lock lasts' }] }).withResponse();
      expect(answer.choices[0]?.message.content).toBeTruthy();
      const id = response.headers.get('x-tollgate-request-id');
      expect(id).toBeTruthy();
      // The log is full from here on; the next log line (the reload) ends the proxy, the lock still held.
      truncateSync(log, LIMIT_KIB * 1024);
      expect(child.exitCode).toBeNull();
      const banner = out;
      writeFileSync(policy, `providers:\n  openai: { baseUrl: "${upstream.openaiBaseUrl}" }\nretries: { attempts: 1 }\n`);
      // Its main thread sleeps only in SQLite's busy handler, i.e. in the exit's last try at the held row (a
      // build without that try has exited by now). Only then does the lock go.
      const inBusyWait = () => {
        try {
          return /nanosleep/.test(readFileSync(`/proc/${child.pid}/wchan`, 'utf8'));
        } catch {
          return true; // gone
        }
      };
      await until(() => child.exitCode !== null || inBusyWait(), 2400);
      db.exec('COMMIT');
      expect(await exited).toBe(1);
      await until(() => child.exitCode !== null);
      // It was the full log: not one byte more went into it (the reload's line was refused), and the
      // proxy said nothing else anywhere. The answered call's own row is on disk.
      expect(statSync(log).size).toBe(LIMIT_KIB * 1024);
      expect(out).toBe(banner);
      const rows = db.prepare('SELECT request_id, status FROM calls').all() as Array<{ request_id: string; status: number }>;
      expect(rows).toEqual([{ request_id: id, status: 200 }]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      db?.close();
      await upstream.close();
    }
  }, 120_000);
});
