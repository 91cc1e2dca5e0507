/**
 * Where secrets may go. A policy file can come from a repository the user just cloned, and the
 * repository is not trusted: it must not be able to name an arbitrary environment variable as a
 * provider key (`apiKeyEnv: GITHUB_TOKEN`) or send keys to a host of its choosing. The user — their
 * environment, not a file in the repository — decides what is allowed beyond the defaults:
 *
 * - `TOLLGATE_ALLOW_KEY_ENV`: extra variable names (comma-separated) a policy may use as `apiKeyEnv`;
 *   by default only provider-key-shaped names (`*_API_KEY`) are accepted.
 * - `TOLLGATE_TRUSTED_HOSTS`: hosts a policy file may point a provider at; any other non-default,
 *   non-loopback host is a finding, and calls to that provider are held until the user approves
 *   (the extension asks once, like workspace trust, and passes the approved hosts here).
 * - `TOLLGATE_ALLOW_LINK_LOCAL=1`: allow link-local / cloud-metadata upstream addresses.
 *
 * Pure: takes a policy and the user's settings, returns problems and findings.
 */
import type { Policy, ResolvedProvider } from './schema';
import { resolveProviders } from './schema';
import { PROTOCOLS } from '../providers/protocol';

export interface UserTrust {
  allowedKeyEnv: ReadonlySet<string>;
  trustedHosts: ReadonlySet<string>;
  allowLinkLocal: boolean;
}

export interface TrustProblem {
  /** Dotted path into the policy, e.g. providers.evil.apiKeyEnv. */
  path: string;
  message: string;
}

/** A provider a policy file points at a host the user has not approved. */
export interface TrustFinding {
  provider: string;
  host: string;
  baseUrl: string;
  apiKeyEnv: string;
}


function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function userTrustFromEnv(env: NodeJS.ProcessEnv): UserTrust {
  return {
    allowedKeyEnv: new Set(list(env.TOLLGATE_ALLOW_KEY_ENV)),
    trustedHosts: new Set(list(env.TOLLGATE_TRUSTED_HOSTS).map((h) => h.toLowerCase())),
    allowLinkLocal: env.TOLLGATE_ALLOW_LINK_LOCAL === '1',
  };
}

/** `OPENAI_API_KEY`, `AZURE_OPENAI_API_KEY`, `OPENROUTER_API_KEY`…: the shape of a provider key variable. */
export function isProviderKeyName(name: string): boolean {
  return /^[A-Z][A-Z0-9_]{0,62}_API_KEY$/.test(name);
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Link-local addresses (169.254/16, fe80::/10) and the names cloud metadata services answer on. */
export function isLinkLocalOrMetadata(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (/^169\.254(\.\d{1,3}){2}$/.test(h)) return true;
  if (/^fe[89ab][0-9a-f]?:/.test(h)) return true;
  if (h === 'fd00:ec2::254' || h === '100.100.100.200') return true;
  return h === 'metadata' || h === 'metadata.google.internal' || h.endsWith('.metadata.google.internal');
}

function isHttps(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).protocol === 'https:';
  } catch {
    return false;
  }
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Problems make a policy file invalid (it is not applied); findings are providers held until the
 * user approves their host. `fromFile` is false for a policy given in memory by the embedding code
 * (tests, benchmarks), which is as trusted as the code itself: only the key-name and link-local
 * rules apply to it.
 */
export function checkPolicyTrust(policy: Policy, trust: UserTrust, fromFile: boolean): { problems: TrustProblem[]; findings: TrustFinding[] } {
  const problems: TrustProblem[] = [];
  const findings: TrustFinding[] = [];
  for (const [name, p] of Object.entries(policy.providers)) {
    if (p.apiKeyEnv !== undefined && !isProviderKeyName(p.apiKeyEnv) && !trust.allowedKeyEnv.has(p.apiKeyEnv)) {
      problems.push({
        path: `providers.${name}.apiKeyEnv`,
        message: `"${p.apiKeyEnv}" is not a provider key variable (expected a name ending in _API_KEY); a policy file must not read other secrets. To allow it, set TOLLGATE_ALLOW_KEY_ENV=${p.apiKeyEnv} in your own environment`,
      });
    }
  }
  const resolved: Map<string, ResolvedProvider> = resolveProviders(policy);
  for (const p of resolved.values()) {
    const host = hostOf(p.baseUrl);
    if (host && isLinkLocalOrMetadata(host) && !trust.allowLinkLocal) {
      problems.push({
        path: `providers.${p.name}.baseUrl`,
        message: `the host ${host} is link-local or a cloud metadata service, never an LLM API; set TOLLGATE_ALLOW_LINK_LOCAL=1 in your environment if you really mean it`,
      });
      continue;
    }
    // The provider's own API counts only over https: `http://api.openai.com` would carry the key in
    // clear text past every network hop (before, a policy file could downgrade it unnoticed).
    const providersOwn = host === new URL(PROTOCOLS[p.kind].defaultBaseUrl).host && isHttps(p.baseUrl);
    if (!fromFile || !host || isLoopbackHost(host) || providersOwn || trust.trustedHosts.has(host)) continue;
    findings.push({ provider: p.name, host, baseUrl: p.baseUrl, apiKeyEnv: p.apiKeyEnv });
  }
  // A policy file may not open the proxy to web pages: only local dev apps' origins count from it.
  // (The browser guard ignores others anyway; silently, the user saw only 403s.)
  if (fromFile) {
    policy.server.allowedOrigins.forEach((origin, i) => {
      if (isLoopbackHost(hostOf(origin))) return;
      problems.push({
        path: `server.allowedOrigins.${i}`,
        message: `${origin} is not a loopback origin (http://localhost:<port>, http://127.0.0.1:<port>); a policy file in a repository may not open the proxy to other web pages. To allow it, set TOLLGATE_ALLOWED_ORIGINS=${origin} in your own environment`,
      });
    });
  }
  return { problems, findings };
}

export function describeFinding(f: TrustFinding): string {
  const clear = isHttps(f.baseUrl) ? '' : ' over plain http (unencrypted)';
  return `provider "${f.provider}" sends API keys (${f.apiKeyEnv} or the client's own) to ${f.host}${clear}, which you have not approved; approve it in the Tollgate extension or set TOLLGATE_TRUSTED_HOSTS=${f.host}`;
}
