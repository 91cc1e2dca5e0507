/**
 * Holding providers the user has not approved (policy/trust.ts findings). Two layers:
 * - a pipeline stage that answers a call routed to a held provider with a provider-style 403
 *   saying how to approve the host, before anything is forwarded;
 * - an undici Agent that refuses to open a request to a held origin at all, so no other path
 *   (a fallback to another provider, a retry) can carry a key there either.
 */
import { Agent, type Dispatcher } from 'undici';
import type { Stage } from '../../pipeline/context';
import { failCall } from '../../pipeline/errors';
import { describeFinding, type TrustFinding } from '../../policy/trust';

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

export class HeldHostError extends Error {
  readonly code = 'TOLLGATE_HOST_NOT_APPROVED';
}

/** An Agent that will not dispatch to a host of a held provider. */
export class TrustGatedAgent extends Agent {
  constructor(
    private readonly held: HeldFindings,
    options?: Agent.Options,
  ) {
    super(options);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = options.origin === undefined ? '' : String(options.origin);
    let host = '';
    try {
      host = new URL(origin).hostname.toLowerCase();
    } catch {
      host = '';
    }
    const finding = this.held().find((f) => f.host === host);
    if (finding) throw new HeldHostError(`not sent: ${describeFinding(finding)}`);
    return super.dispatch(options, handler);
  }
}
