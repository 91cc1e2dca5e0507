/**
 * Moving a call to another provider (a `fallbacks:` target, a routing rule's model that another
 * provider serves) and the key that goes with it.
 *
 * A key the caller sent goes where the policy sends its call, as it does to the first provider (the
 * caller gave it to Tollgate, not to one host). A key from the proxy's environment is one provider's
 * (`apiKeyEnv`: "the key used when the client sends none"): moved to another provider, the call
 * takes that provider's own environment key, or none — never the first one's (an OPENAI_API_KEY
 * handed to a self-hosted or third-party endpoint).
 */
import type { ResolvedProvider } from '../policy/schema';
import type { CallContext } from './context';
import { environmentKey, withClientAuthHeader } from './identity';

/** The key the call sends once moved to `to`. */
export function keyFor(ctx: CallContext, to: ResolvedProvider): string | undefined {
  const from = ctx.provider;
  if (!from || from === to || ctx.apiKey === undefined) return ctx.apiKey;
  return ctx.apiKey === environmentKey(ctx, from) ? environmentKey(ctx, to) : ctx.apiKey;
}

/**
 * Moves the call to `model` at `to`, with the key that may go there. The client's own credential
 * goes in the header it came in where `to` needs that (an Anthropic OAuth token as Bearer, an Azure
 * Entra ID token): `to` as configured put the token in `x-api-key`, and the fallback was refused.
 */
export function switchProvider(ctx: CallContext, to: ResolvedProvider, model: string): void {
  const from = ctx.provider;
  const fromClient = ctx.apiKey !== undefined && !(from && ctx.apiKey === environmentKey(ctx, from));
  ctx.apiKey = keyFor(ctx, to);
  ctx.provider = fromClient && ctx.apiKey !== undefined ? withClientAuthHeader(ctx, to, ctx.apiKey) : to;
  ctx.modelUsed = model;
  ctx.body.model = model;
}
