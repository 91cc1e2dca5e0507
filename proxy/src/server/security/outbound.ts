/**
 * The way out for calls outside the request pipeline (the embedding-model download, the upstream
 * embeddings backend): the company proxy of the environment and explained connect failures, as for
 * provider calls (trustGate.ts), without held hosts (those calls carry no provider key a policy chose).
 * undici's fetch, and Node's global one, read no HTTPS_PROXY by themselves.
 */
import type { Dispatcher } from 'undici';
import { outboundProxyFromEnv } from './outboundProxy';
import { TrustGatedAgent } from './trustGate';

const VARIABLES = ['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

let shared: { key: string; agent: TrustGatedAgent } | undefined;

/** One dispatcher per proxy setting of `env` (rebuilt when those variables change). */
export function outboundDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  const key = VARIABLES.map((n) => env[n] ?? '').join('\n');
  if (shared?.key !== key) {
    // Idle keep-alive sockets of the old one are closed; calls in flight finish first.
    void shared?.agent.close().catch(() => undefined);
    shared = { key, agent: new TrustGatedAgent(() => [], { keepAliveTimeout: 10_000 }, outboundProxyFromEnv(env)) };
  }
  return shared.agent;
}
