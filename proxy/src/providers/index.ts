/**
 * The provider registry: every endpoint the proxy serves, provider-shaped errors, and how a
 * request picks its upstream from the policy's provider list.
 */
import type { ResolvedProvider } from '../policy/schema';
import { globMatch } from '../routing/glob';
import { ANTHROPIC_ENDPOINTS } from './anthropic';
import { AZURE_DEPLOYMENT_ENDPOINTS } from './azure';
import { OPENAI_ENDPOINTS } from './openai';
import type { EndpointSpec, Json, NormalizedUsage, Protocol } from './types';
import { ANTHROPIC_PATHS, OPENAI_PATHS } from './protocol';

export * from './types';
export { chooseAzureProvider, DEPLOYMENT_PARAM, isAzureProvider } from './azure';

/** One spec per endpoint id: what an endpoint is (its usage, streams, routability), looked up by id. */
export const ENDPOINTS: EndpointSpec[] = [...OPENAI_ENDPOINTS, ...ANTHROPIC_ENDPOINTS];

/**
 * Every route the proxy serves: the endpoints at their own paths, and OpenAI's chat, completions
 * and embeddings again under Azure's `/openai/deployments/:deployment/…` (same ids, another path).
 */
export const ROUTES: EndpointSpec[] = [...ENDPOINTS, ...AZURE_DEPLOYMENT_ENDPOINTS];

/**
 * The provider routes whose body is a multipart/form-data upload: batch input files, upload parts,
 * and the endpoints that take images or audio. Lower case, `:name` for a path segment.
 */
export const MULTIPART_PATHS: readonly string[] = [OPENAI_PATHS.files, OPENAI_PATHS['uploads.parts'], ...ENDPOINTS.filter((e) => e.multipart).map((e) => e.path)];

/**
 * Whether a request path (as the router sees it: any case, a trailing slash allowed) is an upload
 * route. The browser guard lets a multipart body through on these only (an Origin is still refused).
 */
export function isMultipartPath(path: string): boolean {
  const segs = path.toLowerCase().split('/').filter(Boolean);
  return MULTIPART_PATHS.some((p) => {
    const want = p.split('/').filter(Boolean);
    return want.length === segs.length && want.every((w, i) => w.startsWith(':') || w === segs[i]);
  });
}

/** The usage an answer of this endpoint reports (batch result lines). */
export function usageOf(endpoint: string, body: Json): NormalizedUsage | undefined {
  return ENDPOINTS.find((e) => e.id === endpoint)?.usage(body);
}

/** Error body in the shape the client's SDK parses. */
export function providerError(protocol: Protocol, status: number, type: string, message: string, code?: string): Record<string, unknown> {
  if (protocol === 'anthropic') return { type: 'error', error: { type: anthropicErrorType(status, type), message } };
  return { error: { message, type, param: null, code: code ?? null } };
}

function anthropicErrorType(status: number, type: string): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return type.endsWith('_error') ? type : 'api_error';
}

/**
 * The wire protocol a request speaks: its path, or on the paths both protocols share (`/v1/models`)
 * and unknown ones, the `anthropic-version` header every Anthropic SDK sends (the API requires it).
 * An Anthropic key must never be relayed to an OpenAI upstream.
 */
export function protocolOf(path: string, headers: Record<string, string | string[] | undefined>): Protocol {
  return path.startsWith(ANTHROPIC_PATHS.messages) || headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}

export interface ProviderChoice {
  provider: ResolvedProvider;
  /** The model name to send upstream (a `provider/` prefix is stripped). */
  model: string;
}

/**
 * Choose the upstream: `x-tollgate-provider` header, else a `name/` model prefix naming a
 * provider, else the first provider whose `models` globs match, else the protocol's default.
 * Returns a readable error for an unknown provider or a protocol mismatch.
 */
export function chooseProvider(
  providers: Map<string, ResolvedProvider>,
  protocol: Protocol,
  model: string,
  headerProvider: string | undefined,
): ProviderChoice | { error: string } {
  const compatible = (p: ResolvedProvider) => p.kind === protocol;
  if (headerProvider) {
    const p = providers.get(headerProvider);
    if (!p) return { error: `unknown provider "${headerProvider}" (x-tollgate-provider); configured: ${[...providers.keys()].join(', ')}` };
    if (!compatible(p)) return { error: `provider "${headerProvider}" speaks the ${p.kind} protocol, not ${protocol}` };
    return { provider: p, model };
  }
  const slash = model.indexOf('/');
  if (slash > 0) {
    const p = providers.get(model.slice(0, slash));
    if (p && compatible(p)) return { provider: p, model: model.slice(slash + 1) };
  }
  for (const p of providers.values()) {
    if (compatible(p) && p.models.some((g) => globMatch(g, model))) return { provider: p, model };
  }
  const fallback = providers.get(protocol);
  if (fallback && compatible(fallback)) return { provider: fallback, model };
  const any = [...providers.values()].find(compatible);
  return any ? { provider: any, model } : { error: `no ${protocol} provider is configured` };
}
