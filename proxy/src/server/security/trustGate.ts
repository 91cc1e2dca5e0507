/**
 * Holding providers the user has not approved (policy/trust.ts findings), second layer: an undici
 * Agent that refuses to open a request to a held origin at all, so no path (a fallback to another
 * provider, a retry) can carry a key there. The first layer is pipeline/trustStage.ts.
 */
import { Agent, type Dispatcher } from 'undici';
import { describeFinding } from '../../policy/trust';

import type { HeldFindings } from '../../pipeline/trustStage';

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
