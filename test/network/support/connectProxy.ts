/**
 * A small forward proxy on 127.0.0.1, as companies run one: CONNECT tunnels (what clients use for
 * https:// targets, and undici for every target), plain absolute-URI forwarding for http://, an
 * optional Basic credential (407 without it), and a mode that refuses every tunnel (403). It counts
 * tunnels and the sockets clients opened to it, so a test can tell keep-alive from a tunnel per call.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxyOptions {
  /** `user:password` a client must send in Proxy-Authorization (Basic). */
  credentials?: string;
  /** Refuse every request with this status (403: a policy block). */
  refuseWith?: number;
  /** Names only the proxy can resolve (inside a company, external DNS often answers only there). */
  hosts?: Record<string, string>;
}

export interface ConnectProxy {
  url: string;
  port: number;
  /** CONNECT targets (`host:port`), one per tunnel opened. */
  tunnels: string[];
  /** Absolute-URI requests forwarded without a tunnel. */
  forwarded: string[];
  /** Proxy-Authorization values received (to check what a client sent). */
  authHeaders: string[];
  /** Sockets clients opened to the proxy. */
  connections(): number;
  close(): Promise<void>;
}

export async function startConnectProxy(opts: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const authHeaders: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const expected = opts.credentials ? `Basic ${Buffer.from(opts.credentials).toString('base64')}` : undefined;
  const refusal = (req: IncomingMessage): number | undefined => {
    const auth = req.headers['proxy-authorization'];
    if (typeof auth === 'string') authHeaders.push(auth);
    if (opts.refuseWith) return opts.refuseWith;
    if (expected && auth !== expected) return 407;
    return undefined;
  };
  const server: Server = createServer((req, res) => {
    const status = refusal(req);
    if (status) {
      res.writeHead(status, status === 407 ? { 'proxy-authenticate': 'Basic realm="corp"' } : {}).end(`proxy says ${status}`);
      return;
    }
    forwarded.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = httpRequest({ host: opts.hosts?.[target.hostname] ?? target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s: Socket) => {
    connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const status = refusal(req);
    if (status) {
      client.end(`HTTP/1.1 ${status} Refused\r\n${status === 407 ? 'Proxy-Authenticate: Basic realm="corp"\r\n' : ''}Content-Length: 0\r\n\r\n`);
      return;
    }
    tunnels.push(req.url ?? '');
    const [host, port] = splitHostPort(req.url ?? '');
    const up = connect(port, opts.hosts?.[host] ?? host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // Bounded lifetime: never outlives a test run that forgot it.
  const stop = setTimeout(() => void close(), 120_000);
  stop.unref();
  async function close(): Promise<void> {
    clearTimeout(stop);
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { url: `http://127.0.0.1:${port}`, port, tunnels, forwarded, authHeaders, connections: () => connections, close };
}

function splitHostPort(target: string): [string, number] {
  const i = target.lastIndexOf(':');
  const host = target.slice(0, i).replace(/^\[|\]$/g, '');
  return [host, Number(target.slice(i + 1))];
}
