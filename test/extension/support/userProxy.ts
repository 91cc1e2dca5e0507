/**
 * A proxy of the user's on a port, as the extension's supervisor meets it: it proves the admin
 * token (HMAC of the challenge) and answers /healthz with `health`, read at each request so a test
 * can change it while the supervisor watches. A proxy may answer late (`delayMs`, changeable while
 * it runs: a live proxy on a loaded machine) and counts its /healthz requests. Servers and
 * supervisors a test makes are ended after each test.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterEach } from 'vitest';
import type { ProxySupervisor } from '../../../extension/src/proxy/supervisor';
import { freePort } from '../../support/freePort';

export interface UserProxy {
  port: number;
  /** Delay before each answer (changeable while running). */
  delayMs: number;
  /** /healthz answers sent (after their delay). */
  answered: number;
  /** /healthz requests waiting for their answer now. */
  waiting: number;
  /** When each /healthz request arrived (performance.now()). */
  arrivals: number[];
}

export function userProxies(token: string): {
  supervisors: ProxySupervisor[];
  proxy(health: Record<string, unknown>, delayMs?: number): Promise<UserProxy>;
  proxyOnPort(health: Record<string, unknown>): Promise<number>;
} {
  const servers: Server[] = [];
  const supervisors: ProxySupervisor[] = [];
  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop()));
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });
  async function proxy(health: Record<string, unknown>, delayMs = 0): Promise<UserProxy> {
    const user: UserProxy = { port: await freePort(), delayMs, answered: 0, waiting: 0, arrivals: [] };
    const server = createServer((req, res) => {
      const counted = req.url === '/healthz';
      if (counted) {
        user.arrivals.push(performance.now());
        user.waiting++;
      }
      setTimeout(() => {
        if (counted) user.waiting--;
        const challenge = req.headers['x-tollgate-challenge'];
        if (typeof challenge === 'string') res.setHeader('x-tollgate-proof', createHmac('sha256', token).update(challenge).digest('base64url'));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'ok', uptimeSec: 1, ...health }));
        if (counted && !res.destroyed) user.answered++;
      }, user.delayMs);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(user.port, '127.0.0.1', () => r()));
    return user;
  }
  return { supervisors, proxy, proxyOnPort: async (health) => (await proxy(health)).port };
}
