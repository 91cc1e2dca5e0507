/**
 * Scripted failures in front of the shared fake provider (test/support/fakeUpstream.ts), for the
 * behaviour scenarios: the fake steers itself by markers in the prompt, which every attempt of a
 * request carries alike, while a scenario needs "the first model fails, its fallback answers".
 * So the script is per model: each call for a scripted model takes the next step (an HTTP status,
 * "hang", or "ok"); a model with no steps left, or none, is forwarded
 * to the fake unchanged. `refusedUrl()` gives a loopback URL where nothing listens (connection
 * refused). Everything binds 127.0.0.1 and is closed by the caller.
 *
 * A hang answers nothing until the caller gives up and closes the connection (its timeout fired):
 * a hang of a fixed length had to outlast the timeout, and a timeout short enough to keep that
 * length small fired on ordinary answers when the machine was loaded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startFakeUpstream, type FakeUpstream } from '../../support/fakeUpstream';

export type Step = number | 'ok' | 'hang';

export interface ScriptedUpstream {
  /** OpenAI-style base URL (`…/v1`). */
  openaiBaseUrl: string;
  /** Anthropic-style base URL (no `/v1`). */
  anthropicBaseUrl: string;
  /** Replace the script and forget what was seen. */
  script(steps: Record<string, Step[]>): void;
  /** Models of the model calls that reached this upstream, in order (answered or not). */
  models(): string[];
  /** Bodies of those calls, in order. */
  bodies(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A caller that never times out must not hold the suite forever: the hang then ends in a 504. */
const HANG_CAP_MS = 60_000;

/** Resolves when the caller closes the connection (or at the cap). */
function untilClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || res.socket?.destroyed) return resolve();
    const cap = setTimeout(resolve, HANG_CAP_MS);
    cap.unref();
    res.once('close', () => {
      clearTimeout(cap);
      resolve();
    });
  });
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const fake: FakeUpstream = await startFakeUpstream();
  let steps = new Map<string, Step[]>();
  let seen: Array<Record<string, unknown>> = [];
  const sockets = new Set<Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const model = typeof body.model === 'string' ? body.model : '';
    if (model) seen.push(body);
    const step = steps.get(model)?.shift() ?? 'ok';
    if (typeof step === 'number') {
      const anthropic = req.url?.startsWith('/v1/messages') ?? false;
      const error = anthropic ? { type: 'error', error: { type: 'api_error', message: `scripted ${step}` } } : { error: { message: `scripted ${step}`, type: 'scripted_error', param: null, code: null } };
      res.writeHead(step, { 'content-type': 'application/json' }).end(JSON.stringify(error));
      return;
    }
    if (step === 'hang') {
      await untilClosed(res);
      if (!res.destroyed) res.writeHead(504, { 'content-type': 'application/json' }).end('{"error":{"message":"scripted hang ended"}}');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const upstream = await fetch(`${fake.url}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(raw ? { body: raw } : {}) });
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'content-encoding') out[k] = v;
    });
    res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    script(s) {
      steps = new Map(Object.entries(s).map(([k, v]) => [k, [...v]]));
      seen = [];
    },
    models: () => seen.map((b) => String(b.model)),
    bodies: () => seen.map((b) => ({ ...b })),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
      await fake.close();
    },
  };
}

/** A loopback URL nothing listens on: the port was free a moment ago and is closed again. */
export async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/v1`;
}
