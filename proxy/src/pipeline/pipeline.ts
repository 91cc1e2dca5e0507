/**
 * The request pipeline, in order. Every provider route runs these stages on one CallContext:
 *
 *   record        closes the call's last attempt in a `finally` (errors are recorded too)
 *   parseBody     JSON body, model, stream flags, previews
 *   identify      key (client or environment), fingerprint, tags, cache namespace
 *   capture       keeps the request body of features `batch.capture` names (for batch files from the ledger)
 *   route         `model: "auto"` and routing rules pick the model (before the cache: it is in the key)
 *   trust         a provider held by a repository's policy (unapproved host) is refused before anything is sent
 *   feedback      `x-tollgate-feedback: bad-hit` reports the key's last semantic hit (before any replay)
 *   switchedOff   a $0 budget with action block refuses its scope's calls, cache hits included
 *   exactCache    identical request → replay; else the store decision
 *   coalesce      an identical request already at the upstream → wait for it, replay its entry
 *   semanticCache paraphrase → replay (when the embedder is ready); indexes the new entry
 *   admit         budgets and rate limits reserve, block or downgrade (after the caches: hits are free)
 *   flex          requests a flex rule names go at OpenAI's flex tier (batch prices, longer timeout)
 *   forward       upstream call with retries and fallbacks; each attempt ends in `finishAttempt`
 */
import { captureStage } from '../batch/capture';
import { flexStage } from '../batch/flex';
import type { SemanticCache } from '../cache/semanticCache';
import type { Governor } from '../governance/governor';
import type { TrustFinding } from '../policy/trust';
import { trustStage } from './trustStage';
import { coalesceStage } from './coalesceStage';
import { compose, type CallContext, type Stage } from './context';
import { exactCacheStage } from './exactCacheStage';
import { finishAttempt } from './finishAttempt';
import { forwardWithRetries } from './forward';
import { admitStage, routeStage, switchedOffStage } from './governanceStages';
import { identify } from './identity';
import { parseBody } from './parse';
import { semanticCacheStage, semanticFeedbackStage } from './semanticCacheStage';

export const record: Stage = async (ctx, next) => {
  try {
    await next();
  } finally {
    await finishAttempt(ctx);
  }
};

export interface PipelineParts {
  governor: Governor;
  semantic: SemanticCache;
  /** Providers a repository's policy points at hosts the user has not approved (policy/trust.ts). */
  held: () => readonly TrustFinding[];
}

export function buildPipeline(parts: PipelineParts): (ctx: CallContext) => Promise<void> {
  return compose([
    record,
    parseBody,
    identify,
    captureStage,
    routeStage,
    trustStage(parts.held),
    semanticFeedbackStage(parts.semantic),
    switchedOffStage(parts.governor),
    exactCacheStage,
    coalesceStage,
    semanticCacheStage(parts.semantic),
    admitStage(parts.governor),
    flexStage,
    forwardWithRetries,
  ]);
}
