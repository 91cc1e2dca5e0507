/**
 * The HTTP app: guards, provider routes running the call pipeline, Tollgate's own API,
 * /healthz and /metrics, and provider-shaped errors for everything that goes wrong early.
 */
import { HttpError, Router, rawBody, serve, type HttpServer, type Req, type Res } from '../http/http';
import { newCallContext, type CallContext } from '../pipeline/context';
import type { ProxyServices } from '../pipeline/services';
import { type EndpointSpec, protocolOf, providerError, ROUTES } from '../providers';
import { formFields, readForm, rememberForm } from '../pipeline/multipart';
import { adminGuard, hostGuard } from './guards';
import { answerClientErrors, answerUnknownExpectations } from './clientError';
import { refuseTunnels } from './notAProxy';
import { capConnections, maxConnectionsFrom } from './connectionCap';
import { allowedOriginsFrom, browserGuard } from './security/browser';
import { sessionProof } from './security/sessionProof';
import { localApi, type LocalApiExtras } from './localApi';

/** `pipeline` is the stage list of pipeline/pipeline.ts. */
/** `routers`: further provider routes with their own handling (the batch APIs). */
export function createApp(
  services: ProxyServices,
  extras: LocalApiExtras,
  pipeline: (ctx: CallContext) => Promise<void>,
  routers: Router[] = [],
): HttpServer {
  const app = new Router();
  app.use(hostGuard());
  app.use(browserGuard({ allowedOrigins: allowedOriginsFrom(services), registry: services.metrics.registry }));

  const bodyLimit = () => services.policy.policy.server.maxBodyBytes;
  const body = rawBody(bodyLimit);

  const uploadLimits = new Map(ROUTES.flatMap((e) => (e.maxBodyBytes ? [[e.path, e.maxBodyBytes] as const] : [])));

  // One route per method and path; endpoints sharing one (GET /v1/models is OpenAI's and
  // Anthropic's) are told apart by the request's protocol.
  const routes = new Map<string, EndpointSpec[]>();
  for (const e of ROUTES) routes.set(`${e.method} ${e.path}`, [...(routes.get(`${e.method} ${e.path}`) ?? []), e]);
  for (const specs of routes.values()) {
    const handler = (req: Req, res: Res, next: (err?: unknown) => void) => {
      const protocol = specs.length > 1 ? protocolOf(req.path, req.headers) : undefined;
      const endpoint = specs.find((s) => s.protocol === protocol) ?? specs[0]!;
      // A route that takes no body (DELETE, POST …/cancel) reads an absent one as `{}`.
      if (endpoint.bodyless && (!Buffer.isBuffer(req.body) || req.body.length === 0)) req.body = Buffer.from('{}');
      const run = () => {
        const ctx = newCallContext(services, endpoint, req, res);
        // A GET that streams (`GET /v1/responses/{id}?stream=true` resumes a background response's
        // events) says so in its query, not a body.
        if (endpoint.method === 'GET' && endpoint.assembler && req.query.stream === 'true') ctx.stream = true;
        pipeline(ctx).catch(next);
      };
      if (!endpoint.multipart) return run();
      multipartAsJson(req, res).then((ok) => ok && run(), next);
    };
    const method = specs[0]!.method;
    // Upload routes (audio to transcribe, images to edit) take bodies past the policy's JSON limit.
    const routeLimit = uploadLimits.get(specs[0]!.path) ?? 0;
    const routeBody = routeLimit > 0 ? rawBody(() => Math.max(bodyLimit(), routeLimit)) : body;
    if (method === 'GET') app.get(specs[0]!.path, handler);
    else if (method === 'DELETE') app.delete(specs[0]!.path, routeBody, handler);
    else app.post(specs[0]!.path, routeBody, handler);
  }

  app.use('/healthz', sessionProof(extras.adminToken));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...extras.health() });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', services.metrics.registry.contentType);
    res.send(await services.metrics.registry.metrics());
  });
  for (const r of routers) app.mount('/', r);
  app.use('/tollgate', adminGuard(extras.adminToken));
  app.mount('/tollgate', localApi(services, extras));

  // Unknown routes: a provider-style 404 so SDKs show a readable message. A path served for other
  // methods only (`OPTIONS` or `PUT /v1/chat/completions`) is a 405 naming them in `Allow`
  // (RFC 9110 §15.5.6), as the providers answer it; a 404 there said the route did not exist.
  const notFound = (req: Req, res: Res) => {
    const method = req.isHead ? 'HEAD' : req.method;
    const allow = app.allowedMethods(req.path);
    if (allow.length > 0) {
      res.setHeader('allow', allow.join(', '));
      res.status(405).json(providerError(protocolOf(req.path, req.headers), 405, 'invalid_request_error', `Tollgate does not serve ${method} ${req.path}; that path takes ${allow.join(', ')}.`));
      return;
    }
    res
      .status(404)
      .json(providerError(protocolOf(req.path, req.headers), 404, 'invalid_request_error', `Tollgate does not serve ${method} ${req.path}. Point your SDK at http://127.0.0.1:<port>/v1 (OpenAI) or http://127.0.0.1:<port> (Anthropic).`));
  };

  // Errors before or outside the pipeline (body too large, malformed encodings, bugs).
  const onError = (err: unknown, req: Req, res: Res) => {
    const e = err as { type?: string; status?: number; message?: string; headers?: Readonly<Record<string, string>> };
    const protocol = protocolOf(req.path, req.headers);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (e.type === 'entity.too.large') {
      const upload = uploadLimits.get(req.path.toLowerCase().replace(/\/+$/, '')) ?? 0;
      const why = upload > bodyLimit() ? `the largest upload ${req.path} takes` : 'server.maxBodyBytes in the policy';
      res.status(413).json(providerError(protocol, 413, 'invalid_request_error', `The request body exceeds Tollgate's limit of ${Math.max(upload, bodyLimit())} bytes (${why}).`));
      return;
    }
    // 4xx, and the 501 for a transfer coding Tollgate does not know (http.ts readBody).
    if (e.status && ((e.status >= 400 && e.status < 500) || (err instanceof HttpError && e.status === 501))) {
      if (e.headers) res.set({ ...e.headers });
      res.status(e.status).json(providerError(protocol, e.status, 'invalid_request_error', `Tollgate could not read the request: ${e.message ?? 'bad request'}`));
      return;
    }
    services.log.error(`internal error on ${req.method} ${req.path}: ${e.message ?? String(err)}`);
    res.status(500).json(providerError(protocol, 500, 'internal_error', 'Tollgate hit an internal error; the call was not forwarded. See the proxy log.'));
  };

  /**
   * A multipart upload's text fields become the body the pipeline parses (model, stream, user…);
   * the form itself is kept for the forward stage. A body that is no multipart form gets a 400.
   */
  const multipartAsJson = async (req: Req, res: Res): Promise<boolean> => {
    const contentType = String(req.headers['content-type'] ?? '');
    const form = Buffer.isBuffer(req.body) ? await readForm(req.body, contentType) : undefined;
    if (!form) {
      res.status(400).json(providerError('openai', 400, 'invalid_request_error', `Tollgate expected a multipart/form-data body on ${req.path} (got ${contentType.split(';')[0] || 'no content type'}, or a form it could not read).`));
      return false;
    }
    rememberForm(req, form);
    req.body = Buffer.from(JSON.stringify(formFields(form)));
    return true;
  };

  const server = serve((req, res) => {
    if (overCap(req, res)) return;
    app.handle(req, res, (err) => {
      // This runs in a handler's rejection: a throw here (node refusing a header) was an unhandled
      // rejection, which ends the proxy's process (a HEAD on a streamed answer did, by its Trailer).
      try {
        if (err === undefined) notFound(req, res);
        else onError(err, req, res);
      } catch (e) {
        services.log.error(`could not answer ${req.method} ${req.path}: ${(e as Error).message}`);
        res.destroy();
      }
    });
  });
  const overCap = capConnections(server, maxConnectionsFrom(services.env), (line) => services.log.warn(line));
  answerClientErrors(server);
  answerUnknownExpectations(server);
  refuseTunnels(server, (line) => services.log.warn(line));
  return server;
}
