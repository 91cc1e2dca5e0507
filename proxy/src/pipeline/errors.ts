/** Ends a call with a provider-shaped error (OpenAI or Anthropic, by route). */
import { providerError } from '../providers';
import type { CallContext } from './context';

/**
 * Answers the call with a provider-shaped error. `reason` (default: `type`) is the ledger's
 * errorType, when the wire type is the protocol's generic one (Anthropic's `rate_limit_error`
 * for a budget and a rate limit alike); `code` is OpenAI's `error.code`.
 */
export function failCall(ctx: CallContext, status: number, type: string, message: string, headers: Record<string, string> = {}, opts: { reason?: string; code?: string } = {}): void {
  ctx.status = status;
  ctx.errorType = opts.reason ?? type;
  if (ctx.res.headersSent) {
    if (!ctx.res.writableEnded) ctx.res.end();
    return;
  }
  ctx.res.status(status);
  for (const [k, v] of Object.entries({ ...ctx.extraHeaders, ...headers })) ctx.res.setHeader(k, v);
  ctx.res.setHeader('x-tollgate-request-id', ctx.requestId);
  ctx.res.json(providerError(ctx.endpoint.protocol, status, type, message, opts.code));
}
