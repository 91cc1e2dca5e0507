/**
 * Length caps on every stored request field. Anything a client sends can be huge (a model name of
 * 18 MB was accepted and stored twice per row); the ledger keeps a bounded prefix, marked with "…",
 * so one row stays a few kilobytes however hostile the request, and the read API stays fast.
 */
import type { CallDetails, NewCallRecord } from './ledger';

export const CAPS = {
  id: 64,
  tag: 128,
  name: 64,
  model: 256,
  label: 512,
  preview: 200,
  headerValue: 1024,
  headerCount: 64,
  sourcePrompt: 4000,
} as const;

/** `s` cut to at most `max` characters (the last one "…" when cut). */
export function cap(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

const capOpt = (s: string | undefined, max: number) => (s === undefined ? undefined : cap(s, max));

function capDetails(d: CallDetails | undefined): CallDetails | undefined {
  if (!d) return undefined;
  const out: CallDetails = {};
  if (d.responseHeaders) {
    out.responseHeaders = Object.fromEntries(
      Object.entries(d.responseHeaders)
        .slice(0, CAPS.headerCount)
        .map(([k, v]) => [cap(k, CAPS.name * 2), cap(String(v), CAPS.headerValue)]),
    );
  }
  if (d.sourcePrompt !== undefined) out.sourcePrompt = cap(d.sourcePrompt, CAPS.sourcePrompt);
  return out;
}

/** The record as it will be stored: every free-text field bounded. */
export function capRecord(rec: NewCallRecord): NewCallRecord {
  const tags: NewCallRecord['tags'] = {};
  if (rec.tags.team !== undefined) tags.team = cap(rec.tags.team, CAPS.tag);
  if (rec.tags.feature !== undefined) tags.feature = cap(rec.tags.feature, CAPS.tag);
  if (rec.tags.user !== undefined) tags.user = cap(rec.tags.user, CAPS.tag);
  const details = capDetails(rec.details);
  const errorType = capOpt(rec.errorType, CAPS.name);
  const route = capOpt(rec.route, CAPS.label);
  const budget = capOpt(rec.budget, CAPS.label);
  const promptPreview = capOpt(rec.promptPreview, CAPS.preview);
  const { details: _d, errorType: _e, route: _r, budget: _b, promptPreview: _p, ...rest } = rec;
  return {
    ...rest,
    requestId: cap(rec.requestId, CAPS.id),
    keyFingerprint: cap(rec.keyFingerprint, CAPS.id),
    tags,
    provider: cap(rec.provider, CAPS.name),
    endpoint: cap(rec.endpoint, CAPS.name),
    modelRequested: cap(rec.modelRequested, CAPS.model),
    modelUsed: cap(rec.modelUsed, CAPS.model),
    ...(errorType !== undefined ? { errorType } : {}),
    ...(route !== undefined ? { route } : {}),
    ...(budget !== undefined ? { budget } : {}),
    ...(promptPreview !== undefined ? { promptPreview } : {}),
    ...(details ? { details } : {}),
  };
}
