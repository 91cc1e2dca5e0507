/**
 * A proxy of the user's on a port, as the extension's supervisor meets it: it proves the admin
 * token (HMAC of the challenge) and answers /healthz with `health`, read at each request so a test
 * can change it while the supervisor watches. Servers and supervisors a test makes are ended after
 * each test.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterEach } from 'vitest';
import type { ProxySupervisor } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';

export function userProxies(token: string): { supervisors: ProxySupervisor[]; proxyOnPort(health: Record<string, unknown>): Promise<number> } {
  const servers: Server[] = [];
  const supervisors: ProxySupervisor[] = [];
  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop()));
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });
  return {
    supervisors,
    async proxyOnPort(health) {
      const port = await freePort();
      const server = createServer((req, res) => {
        const challenge = req.headers['x-tollgate-challenge'];
        if (typeof challenge === 'string') res.setHeader('x-tollgate-proof', createHmac('sha256', token).update(challenge).digest('base64url'));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'ok', uptimeSec: 1, ...health }));
      });
      servers.push(server);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
      return port;
    },
  };
}
