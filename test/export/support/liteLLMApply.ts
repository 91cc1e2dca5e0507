/**
 * Runs an export's `apply.mjs` (a real Node child process) against a stand-in for LiteLLM's
 * management API on 127.0.0.1; `handle` answers each call with a status, or a status and a JSON body.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ApplyCall {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  auth: string | undefined;
  /** The JSON body of a POST; empty for a GET. */
  body: Record<string, unknown>;
}

export type ApplyAnswer = number | { status: number; json: unknown };

export async function runApply(files: Map<string, string>, handle: (call: ApplyCall) => ApplyAnswer, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; calls: ApplyCall[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-litellm-'));
  for (const [path, content] of files) writeFileSync(join(dir, path), content);
  const calls: ApplyCall[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      const call = { method: req.method ?? '', path: url.pathname, query: url.searchParams, auth: req.headers.authorization, body };
      calls.push(call);
      const answer = handle(call);
      const { status, json } = typeof answer === 'number' ? { status: answer, json: {} } : answer;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [join(dir, 'apply.mjs')], {
        env: { ...process.env, LITELLM_URL: `http://127.0.0.1:${port}`, LITELLM_MASTER_KEY: 'sk-master-test', ...env },
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    return { ...result, calls };
  } finally {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}
