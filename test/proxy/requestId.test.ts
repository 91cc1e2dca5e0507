/**
 * Request ids (`x-tollgate-request-id`, the ledger's `request_id`) come from a per-process prefix
 * and a counter instead of a random UUID per request: unique within a process, and across restarts
 * because the prefix is the start time plus 32 random bits.
 */
import { describe, expect, it, vi } from 'vitest';

describe('request ids', () => {
  it('never repeat within a process', async () => {
    const { newRequestId } = await import('../../proxy/src/pipeline/context');
    const ids = Array.from({ length: 20_000 }, () => newRequestId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^tg_[0-9a-z]+[0-9a-f]{8}_[0-9a-z]+$/);
  });

  it('differ between two starts of the module (a restarted proxy on the same ledger)', async () => {
    const first = (await import('../../proxy/src/pipeline/context')).newRequestId();
    vi.resetModules();
    const second = (await import('../../proxy/src/pipeline/context')).newRequestId();
    expect(first.split('_')[1]).not.toBe(second.split('_')[1]);
    expect(first).not.toBe(second);
  });
});
