/**
 * Runs an export's `apply.mjs` (a real Node child process) against a stand-in for LiteLLM's
 * management API on 127.0.0.1; `handle` answers each POST with a status.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ApplyCall {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

export async function runApply(files: Map<string, string>, handle: (call: ApplyCall) => number): Promise<{ code: number | null; stdout: string; calls: ApplyCall[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-litellm-'));
  for (const [path, content] of files) writeFileSync(join(dir, path), content);
  const calls: ApplyCall[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const call = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw) as Record<string, unknown> };
      calls.push(call);
      res.writeHead(handle(call), { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as AddressInfo).port;
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [join(dir, 'apply.mjs')], {
        env: { ...process.env, LITELLM_URL: `http://127.0.0.1:${port}`, LITELLM_MASTER_KEY: 'sk-master-test' },
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    return { ...result, calls };
  } finally {
    await new Promise((r) => server.close(r));
  }
}
