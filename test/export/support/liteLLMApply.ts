/**
 * Runs an export's `apply.mjs` (a real Node child process) against a stand-in for LiteLLM's
 * management API on 127.0.0.1; `handle` answers each call with a status, or a status and a JSON body.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
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

export async function runApply(files: Map<string, string>, handle: (call: ApplyCall) => ApplyAnswer, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; calls: ApplyCall[] }> {
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
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(dir, 'apply.mjs')], {
        env: { ...process.env, LITELLM_URL: `http://127.0.0.1:${port}`, LITELLM_MASTER_KEY: 'sk-master-test', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    return { ...result, calls };
  } finally {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export type Row = Record<string, unknown> & { token: string; key_alias: string };

/**
 * LiteLLM's key endpoints over an in-memory table; teams and users are accepted as they come. LiteLLM
 * refuses a second key with an alias in use (`_enforce_unique_key_alias` in
 * `litellm/proxy/management_endpoints/key_management_endpoints.py`), `/key/update` names the key by its
 * token (hashed unless it starts with `sk-`), and `/key/list` filters by `key_alias` substring.
 */
export function keyTable(): { keys: Row[]; handle: (c: ApplyCall) => ApplyAnswer } {
  const keys: Row[] = [];
  const hash = (t: string): string => createHash('sha256').update(t).digest('hex');
  const handle = (c: ApplyCall): ApplyAnswer => {
    if (c.path === '/key/generate') {
      const alias = c.body.key_alias as string;
      if (keys.some((k) => k.key_alias === alias))
        return { status: 400, json: { error: { message: `Key with alias '${alias}' already exists. Unique key aliases across all keys are required.`, type: 'bad_request_error', param: 'key_alias', code: '400' } } };
      const secret = `sk-${createHash('sha256').update(`${alias}#${keys.length}`).digest('hex').slice(0, 22)}`;
      keys.unshift({ blocked: null, ...c.body, key_alias: alias, token: hash(secret) }); // newest first, as /key/list orders
      return { status: 200, json: { key: secret, key_alias: alias } };
    }
    if (c.method === 'GET' && c.path === '/key/list') {
      const alias = (c.query.get('key_alias') ?? '').toLowerCase();
      const size = Number(c.query.get('size') ?? 10);
      const page = Number(c.query.get('page') ?? 1);
      const found = keys.filter((k) => k.key_alias.toLowerCase().includes(alias));
      const objects = found.slice((page - 1) * size, page * size).map((k) => (c.query.get('return_full_object') === 'true' ? { ...k } : k.token));
      return { status: 200, json: { keys: objects, total_count: found.length, current_page: page, total_pages: Math.ceil(found.length / size) } };
    }
    if (c.path === '/key/update') {
      const given = c.body.key as string | undefined;
      if (!given) return { status: 422, json: { detail: 'key: Field required' } };
      const row = keys.find((k) => k.token === (given.startsWith('sk-') ? hash(given) : given));
      if (!row) return 404;
      const { key: _key, ...set } = c.body;
      Object.assign(row, set); // metadata included: prepare_metadata_fields keeps the old only when none is sent
      return { status: 200, json: { key: given, ...set } };
    }
    return 200;
  };
  return { keys, handle };
}
