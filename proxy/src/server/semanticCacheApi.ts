/**
 * The semantic cache's part of the local API (mounted under /tollgate/cache):
 *   POST /feedback  { "requestId": "…" } or { "entryId": 123 }, optional "verdict": "bad-hit" (the only
 *                   verdict): the hit was wrong — its entry is evicted (the same path as the
 *                   dashboard's evict) and its feature's operating point tightens. Admin token.
 *   GET  /quality   ?from=<epoch ms>: per feature tag, lookups, hits, reported false hits, the hit
 *                   rate and false-hit rate, the current operating point and a daily series.
 */
import { Router, jsonBody } from '../http/http';
import type { SemanticQualityReport } from '../../../contract/api';
import { semanticQualityFor } from '../cache/semantic/quality/qualityStore';
import type { ProxyServices } from '../pipeline/services';
import { adminGuard } from './guards';
import type { LocalApiExtras } from './localApi';

function invalid(message: string) {
  return { error: { type: 'invalid_request_error', message } };
}

export function semanticCacheApi(services: ProxyServices, extras: Pick<LocalApiExtras, 'adminToken' | 'evictEntry'>): Router {
  const r = new Router();
  // The tracker the proxy built its semantic cache with (start.ts wires it to the live policy).
  const quality = semanticQualityFor(services.db);

  r.post('/feedback', adminGuard(extras.adminToken), jsonBody(16 * 1024, { anyContentType: true }), (req, res) => {
    const body = (req.body ?? {}) as { requestId?: unknown; entryId?: unknown; verdict?: unknown };
    if (body.verdict !== undefined && body.verdict !== 'bad-hit') {
      res.status(400).json(invalid('verdict must be "bad-hit" (a hit that was not reported is taken as good)'));
      return;
    }
    let entryId: number | undefined;
    // The feature the report reached: the reported request's own hit (by request id), else the
    // entry's latest hit (by entry id, as the dashboard's evict).
    let reported: string | undefined;
    const base = quality.defaultBase();
    if (typeof body.entryId === 'number' && Number.isInteger(body.entryId) && body.entryId > 0) {
      entryId = body.entryId;
    } else if (typeof body.requestId === 'string' && body.requestId.length > 0 && body.requestId.length <= 200) {
      const r1 = quality.onRequestFeedback(body.requestId, base);
      if (!r1.ok) {
        res.status(404).json({ error: { type: 'not_found_error', message: r1.reason } });
        return;
      }
      entryId = r1.entryId;
      reported = r1.feature;
    } else {
      res.status(400).json(invalid('send {"requestId": "<x-tollgate-request-id of the call>"} or {"entryId": <cache entry id>}'));
      return;
    }
    if (entryId === undefined) {
      res.status(404).json({ error: { type: 'not_found_error', message: 'no cache entry for that request' } });
      return;
    }
    // By entry id, the hit's feature is tightened by the eviction itself (evictAsFeedback), once.
    // A report by request id is recorded already: evicting its entry must not report the entry's
    // latest hit (another request's, maybe in another feature) as well.
    const evicted = extras.evictEntry(entryId, { report: reported === undefined });
    const hitFeature = reported ?? quality.featureOfEntry(entryId);
    // No judge decides (base unknown): the report carries no operating point (1 = unused).
    const q = hitFeature !== undefined ? quality.report(base ?? 1).find((f) => f.feature === hitFeature) : undefined;
    if (hitFeature === undefined && !evicted) {
      res.status(404).json({ error: { type: 'not_found_error', message: `no cache entry ${entryId}` } });
      return;
    }
    res.json({ entryId, evicted, ...(q ? { feature: q.feature, minProbability: q.minProbability, feedback: q.feedback } : {}) });
  });

  r.get('/quality', (req, res) => {
    const from = typeof req.query.from === 'string' && /^\d{1,16}$/.test(req.query.from) ? Number(req.query.from) : Date.now() - 30 * 86_400_000;
    const base = quality.defaultBase();
    const body: SemanticQualityReport = { from, defaultMinProbability: base ?? null, features: quality.report(base ?? 1, from) };
    res.json(body);
  });

  return r;
}
