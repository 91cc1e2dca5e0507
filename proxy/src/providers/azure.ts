/**
 * Azure OpenAI's classic deployment routes, as `AzureOpenAI` (openai SDK) and LangChain's
 * `AzureChatOpenAI` call them: `/openai/deployments/{deployment}/chat/completions?api-version=…`
 * (also `/completions`, `/embeddings`), the key in an `api-key` header or an Entra ID token as a
 * Bearer. The same endpoints as OpenAI's (one id, usage, streams and replays) under another path;
 * the model is the deployment in the path, and only an Azure OpenAI provider serves them.
 * Pure data and functions: no HTTP here.
 */
import type { ResolvedProvider } from '../policy/schema';
import { globMatch } from '../routing/glob';
import { OPENAI_ENDPOINTS } from './openai';
import { isAzureHost } from './protocol';
import type { EndpointId, EndpointSpec } from './types';

/** The path segment naming the deployment (read by parse.ts, filled in upstream by forward.ts). */
export const DEPLOYMENT_PARAM = 'deployment';

/** OpenAI endpoint → its path under a deployment, on the proxy and after an Azure base URL (`https://<resource>.openai.azure.com/openai`). */
const DEPLOYMENT_ROUTES: ReadonlyArray<readonly [EndpointId, string]> = [
  ['chat.completions', '/chat/completions'],
  ['completions', '/completions'],
  ['embeddings', '/embeddings'],
];

/**
 * Not routable: Azure answers from the deployment in the path and ignores the body's `model`, so a
 * routing rule, `auto` or a budget's downgrade rewriting the model would change only what the
 * ledger says, not what runs.
 */
export const AZURE_DEPLOYMENT_ENDPOINTS: EndpointSpec[] = DEPLOYMENT_ROUTES.map(([id, tail]) => {
  const spec = OPENAI_ENDPOINTS.find((e) => e.id === id);
  if (!spec) throw new Error(`no OpenAI endpoint ${id}`);
  return { ...spec, path: `/openai/deployments/:${DEPLOYMENT_PARAM}${tail}`, upstreamPath: `/deployments/:${DEPLOYMENT_PARAM}${tail}`, routable: false, azureDeployment: true };
});

/** Hosts of Azure OpenAI resources (classic `openai.azure.com`, AI Services / Foundry resources). */

/**
 * Whether a provider is an Azure OpenAI resource: an OpenAI-protocol provider whose base URL is on an
 * Azure OpenAI host, or one that sends the key in Azure's own `api-key` header (a gateway in front of
 * Azure, e.g. API Management, on a host of its own). No other provider takes `api-key`.
 */
export function isAzureProvider(p: Pick<ResolvedProvider, 'kind' | 'baseUrl' | 'authHeader'>): boolean {
  if (p.kind !== 'openai') return false;
  return p.authHeader === 'api-key' || isAzureHost(p.baseUrl);
}

/**
 * Azure's v1 API base URL (`…/openai/v1`) serves the `/v1` routes; a deployment path after it is a
 * 404. The classic routes need the base URL that ends in `/openai`.
 */
function isV1BaseUrl(baseUrl: string): boolean {
  return /\/v1$/i.test(baseUrl.replace(/\/+$/, ''));
}

/**
 * The upstream for a deployment route: the `x-tollgate-provider` header (which must name an Azure
 * provider), else the first Azure provider whose `models` globs match the deployment, else the
 * first Azure provider. Never a non-Azure provider: a deployment path means nothing there, and the
 * client's Azure key must not reach it.
 */
export function chooseAzureProvider(providers: Map<string, ResolvedProvider>, deployment: string, headerProvider: string | undefined): { provider: ResolvedProvider; model: string } | { error: string } {
  const setup = 'add a provider with baseUrl https://<resource>.openai.azure.com/openai (and authHeader: api-key for a key; a gateway in front of Azure is recognised by authHeader: api-key)';
  if (headerProvider) {
    const p = providers.get(headerProvider);
    if (!p) return { error: `unknown provider "${headerProvider}" (x-tollgate-provider); configured: ${[...providers.keys()].join(', ')}` };
    if (!isAzureProvider(p)) return { error: `provider "${headerProvider}" is not an Azure OpenAI provider, and only one serves /openai/deployments/… routes: ${setup}` };
    if (isV1BaseUrl(p.baseUrl)) return { error: `provider "${headerProvider}" has an Azure v1 base URL (…/openai/v1); the /openai/deployments/… routes need one ending in /openai` };
    return { provider: p, model: deployment };
  }
  const azure = [...providers.values()].filter(isAzureProvider);
  const classic = azure.filter((p) => !isV1BaseUrl(p.baseUrl));
  const chosen = classic.find((p) => p.models.some((g) => globMatch(g, deployment))) ?? classic[0];
  if (chosen) return { provider: chosen, model: deployment };
  if (azure.length > 0) return { error: `Azure OpenAI provider(s) ${azure.map((p) => `"${p.name}"`).join(', ')} have a v1 base URL (…/openai/v1), which serves /v1 routes; the /openai/deployments/… routes need a base URL ending in /openai` };
  return { error: `no Azure OpenAI provider is configured for /openai/deployments/${deployment}/…: ${setup}` };
}
