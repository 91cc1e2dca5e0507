/**
 * The admin token of the user's windows (it opens every Tollgate proxy of the user: calls, prompts,
 * budgets) goes only to a process that proved it is the user's proxy. While the proxy is stopped,
 * starting or moving to another port, whatever listens on the configured port — a port a cloned
 * repository's settings chose, another user's process on a shared machine — has proved nothing:
 * the dashboard's and status bar's requests must not carry the token there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fakeExtensionDir, newController, world } from './world';
import { freePort } from '../../support/freePort';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const dir = mkdtempSync(join(tmpdir(), 'tollgate token before proof '));
const ext = fakeExtensionDir(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server that is not Tollgate: it answers anything and keeps the Authorization headers it is sent. */
async function listener(): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    if (req.headers.authorization) seen.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ totals: { calls: 0 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port, seen };
}

describe('the admin token before the proxy proved itself', () => {
  it('a stopped proxy’s client sends no token to the configured port', async () => {
    const stranger = await listener();
    world.settings['tollgate.proxy.port'] = await freePort();
    const proxy = await newController(ext, join(dir, 'storage'));
    try {
      // The window ran its proxy (and adopted the shared token), then it stopped.
      expect(await proxy.start()).toMatchObject({ kind: 'running', attached: false });
      await proxy.stop();
      // The port setting now names the other process (edited, or a repository's settings).
      world.settings['tollgate.proxy.port'] = stranger.port;
      await proxy.api.summary({ from: 0, to: Date.now() }).catch(() => undefined);
      expect(stranger.seen).toEqual([]);
    } finally {
      await proxy.shutdown();
      proxy.dispose();
      stranger.server.close();
    }
  });
});
