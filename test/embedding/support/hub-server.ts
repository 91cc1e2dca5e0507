import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface FakeHub {
  /** Base URL to use as `remoteHost`. */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves local model folders in the Hugging Face hub's URL layout, `/{model}/resolve/{revision}/{file}`,
 * on 127.0.0.1 and a free port. `models` maps hub ids (e.g. `test-org/tiny`) to folders.
 */
export async function startFakeHub(models: Record<string, string>): Promise<FakeHub> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const match = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const folder = match ? models[match[1]!] : undefined;
    const file = folder && match && !match[3]!.includes('..') ? join(folder, match[3]!) : undefined;
    if (!file || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': String(statSync(file).size), 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
