/** Holds a fake provider's batch creates, to stop a proxy while one is on its way. */
import type { FakeUpstream } from '../support/fakeUpstream';

/** Holds the provider's answer to each batch create (at `path`) until `release()`; `reached` resolves when one arrives. */
export function holdCreates(fake: FakeUpstream, path = '/v1/batches'): { reached: Promise<void>; release: () => void } {
  const api = fake.batch;
  const handle = api.handle.bind(api);
  let release!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (arrived = r));
  api.handle = async (req, res, url, body) => {
    if (req.method === 'POST' && url.pathname === path) {
      arrived();
      await gate;
    }
    return handle(req, res, url, body);
  };
  return { reached, release };
}
