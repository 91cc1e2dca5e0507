/**
 * The router's part of the local API (mounted at /tollgate/router):
 *  - POST /feedback {callId, verdict: "bigger" | "smaller"} (admin): turns a verdict on a routed call
 *    into a team exemplar in `.tollgate/router-exemplars.tsv`;
 *  - GET /exemplars: how many exemplars are loaded and the file's problems;
 *  - GET /quality: measured quality loss per route from quality sampling, and the drift alarm.
 */
import { Router, jsonBody, type Handler, type Res } from '../http/http';
import type { ProxyServices } from '../pipeline/services';
import { FeedbackError } from '../routing/runtime';

function apiError(res: Res, status: number, type: string, message: string): void {
  res.status(status).json({ error: { type, message } });
}

export function routerApi(services: ProxyServices, admin: Handler): Router {
  const r = new Router();

  r.post('/feedback', admin, jsonBody(16 * 1024, { anyContentType: true }), (req, res) => {
    const body = (req.body ?? {}) as { callId?: unknown; verdict?: unknown };
    const callId = typeof body.callId === 'number' && Number.isInteger(body.callId) && body.callId > 0 ? body.callId : undefined;
    if (callId === undefined) return apiError(res, 400, 'invalid_request_error', 'callId must be a positive integer (a ledger row id)');
    if (body.verdict !== 'bigger' && body.verdict !== 'smaller') return apiError(res, 400, 'invalid_request_error', 'verdict must be "bigger" (needed a bigger model) or "smaller" (a smaller one would do)');
    const router = services.router;
    if (!router) return apiError(res, 409, 'invalid_request_error', 'the learned router is not running in this proxy');
    const call = services.ledger.get(callId);
    if (!call) return apiError(res, 404, 'not_found_error', `no call with id ${callId}`);
    try {
      const { tier, count } = router.recordVerdict(call, body.verdict);
      res.json({ written: true, callId, tier, exemplars: count, file: router.opts.exemplarsPath });
    } catch (err) {
      if (err instanceof FeedbackError) return apiError(res, err.status, err.status === 400 ? 'invalid_request_error' : 'conflict_error', err.message);
      throw err;
    }
  });

  r.get('/exemplars', (_req, res) => {
    const router = services.router;
    res.json({ file: router?.opts.exemplarsPath ?? null, loaded: router?.exemplars.size ?? 0, problems: router?.exemplars.problems ?? [] });
  });

  r.get('/quality', (_req, res) => {
    const policy = services.policy.policy;
    const routes = services.router?.quality(policy) ?? [];
    res.json({ enabled: policy.routing.qualitySampling.enabled, rate: policy.routing.qualitySampling.rate, routes, alarm: routes.some((q) => q.alarm) });
  });

  return r;
}
