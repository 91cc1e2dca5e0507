/**
 * The proxy's stop closes the router's and the semantic cache's embedding services side by side:
 * each release may wait for a busy worker (worker-host.ts CLOSE_REPLY_WAIT_MS), and one after the
 * other those waits added up. Checked by the order of events, not by time: the router's close is
 * held open until the cache's has begun (or a bounded number of event-loop turns passed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { EmbeddingService } from '../../proxy/src/embedding/service';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy } from '../../proxy/src/server/start';

let dir: string | undefined;

afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it("a slow close of the router's embedder does not hold back the semantic cache's", async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-stop-embed-'));
  const proxy = await startProxy({ port: 0, dataDir: dir, policy: PolicySchema.parse({}), env: {} });
  const router = proxy.services.router;
  expect(router).toBeDefined();
  const events: string[] = [];
  let cacheClosing: () => void = () => {};
  const cacheClosed = new Promise<void>((resolve) => {
    cacheClosing = resolve;
  });
  const close = EmbeddingService.prototype.close;
  vi.spyOn(EmbeddingService.prototype, 'close').mockImplementation(function (this: EmbeddingService) {
    events.push('cache embeddings close begins');
    cacheClosing();
    return close.call(this);
  });
  vi.spyOn(router!, 'close').mockImplementation(async () => {
    events.push('router close begins');
    // Stands for a busy worker: waits for the other close, or 200 turns of the event loop.
    let turns = 0;
    const waited = new Promise<void>((resolve) => {
      const turn = () => (++turns >= 200 ? resolve() : setImmediate(turn));
      setImmediate(turn);
    });
    await Promise.race([cacheClosed, waited]);
    events.push('router close ends');
  });
  await proxy.close();
  expect(events).toEqual(['router close begins', 'cache embeddings close begins', 'router close ends']);
});
