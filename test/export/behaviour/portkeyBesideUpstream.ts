/**
 * The real Portkey gateway beside the shared fake upstream, started once per test file: the set-up
 * of every test that sends an exported Portkey config through the gateway and reads what reached
 * the provider. Also renders an exported config the way a deploy step does (envsubst).
 */
import { afterAll, beforeAll } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../support/fakeUpstream';
import { startPortkey, type PortkeyGateway } from './portkeyGateway';

export interface PortkeyBesideUpstream {
  readonly upstream: FakeUpstream;
  readonly gateway: PortkeyGateway;
}

/** Registers beforeAll/afterAll in the calling file; read the fields inside tests, not at import. */
export function usePortkeyBesideUpstream(): PortkeyBesideUpstream {
  let upstream: FakeUpstream | undefined;
  let gateway: PortkeyGateway | undefined;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    gateway = await startPortkey();
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the gateway and upstream are started in beforeAll; use them inside a test');
    return value;
  };
  return {
    get upstream() {
      return started(upstream);
    },
    get gateway() {
      return started(gateway);
    },
  };
}

/**
 * An exported config.json with its `${NAME}` key placeholders filled from `env` (unknown names
 * empty, as envsubst leaves them), on one line: a header value cannot hold the file's line breaks.
 */
export function renderPortkeyConfig(content: string, env: Record<string, string>): string {
  return JSON.stringify(JSON.parse(content.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => env[name] ?? '')));
}
