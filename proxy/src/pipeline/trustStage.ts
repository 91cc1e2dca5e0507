/**
 * Trust stage: a call routed to a provider the user has not approved (a repository's policy points
 * it at another host, policy/trust.ts) is answered with a provider-style 403 saying how to approve
 * the host, before anything is forwarded. The HTTP agent refuses such hosts too (server/security/trustGate.ts).
 */
import { describeFinding, type TrustFinding } from '../policy/trust';
import type { Stage } from './context';
import { failCall } from './errors';

export type HeldFindings = () => readonly TrustFinding[];

export function trustStage(held: HeldFindings): Stage {
  return async (ctx, next) => {
    const finding = ctx.provider ? held().find((f) => f.provider === ctx.provider!.name) : undefined;
    if (finding) {
      return failCall(ctx, 403, 'permission_error', `Tollgate held this call: the policy's ${describeFinding(finding)}. Nothing was sent.`);
    }
    await next();
  };
}

