/**
 * Baseline for the proxy bench: the least a relay can do — bare node:http in, undici out, body
 * piped both ways, no parsing, no cache, no ledger. Prints `BARE_RELAY <url>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

const upstream = process.argv[2]!;
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    const r = await request(`${upstream}${req.url}`, {
      method: req.method as 'POST',
      headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization ?? '') },
      body: Buffer.concat(chunks),
      dispatcher: agent,
    });
    res.writeHead(r.statusCode, { 'content-type': String(r.headers['content-type'] ?? 'application/json') });
    for await (const c of r.body) res.write(c);
    res.end();
  } catch (err) {
    res.writeHead(502).end(String(err));
  }
});
server.listen(0, '127.0.0.1', () => console.log(`BARE_RELAY http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => process.exit(0));
setTimeout(() => process.exit(0), 60 * 60 * 1000).unref();
