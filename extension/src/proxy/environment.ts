/**
 * The environment the proxy process gets: an allow-list, not the whole extension host's
 * environment (which holds every secret of the user's shell: GITHUB_TOKEN, cloud credentials…).
 * The proxy needs the platform basics, proxy/CA settings for its upstream calls, its own
 * TOLLGATE_* settings and provider keys (`*_API_KEY`, plus names the user allowed with
 * TOLLGATE_ALLOW_KEY_ENV). The keys from SecretStorage and the admin token are added by the caller.
 */
const BASICS = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP',
  'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'HOMEDRIVE', 'HOMEPATH', 'SystemRoot', 'SYSTEMROOT', 'windir', 'ComSpec', 'PATHEXT',
  'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy',
  'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'
];

/**
 * On Windows environment names are case-insensitive and keep the case they were set with — the
 * search path is `Path`, not `PATH` — so names are compared upper-cased there (and passed on as spelt).
 */
export function proxyEnvironment(base: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const fold = platform === 'win32' ? (n: string) => n.toUpperCase() : (n: string) => n;
  const basics = new Set(BASICS.map(fold));
  const allowList = Object.entries(base).find(([n]) => fold(n) === fold('TOLLGATE_ALLOW_KEY_ENV'))?.[1] ?? '';
  const allowedKeys = new Set(allowList.split(/[\s,]+/).filter(Boolean).map(fold));
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const n = fold(name);
    if (basics.has(n) || n.startsWith('LC_') || n.startsWith('TOLLGATE_') || /^[A-Z][A-Z0-9_]*_API_KEY$/.test(n) || allowedKeys.has(n)) {
      out[name] = value;
    }
  }
  return out;
}

/**
 * VS Code's proxy settings as read: settings.json holds any JSON value (`"http.noProxy": "a,b"`, the
 * NO_PROXY way); one that is not text is left out, not a failed start. `proxyAuthorization` is the
 * `Proxy-Authorization` header VS Code sends to its proxy (`Basic <base64 user:password>`).
 */
export type EditorProxySettings = Partial<Record<'proxy' | 'noProxy' | 'strictSSL' | 'proxySupport' | 'proxyAuthorization', unknown>>;

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/**
 * `http.proxyAuthorization: "Basic …"` as credentials in the proxy URL, which is where the proxy
 * reads them (users who keep the password out of `http.proxy` set it there). The URL's own
 * credentials win. Another scheme (Negotiate, NTLM) is a per-connection handshake the proxy cannot
 * replay: undefined, and a note says so.
 */
function withBasicCredentials(proxy: string, authorization: string): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization.trim());
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    return proxy;
  }
  if (url.username || url.password) return proxy;
  url.username = encodeURIComponent(decoded.slice(0, colon));
  url.password = encodeURIComponent(decoded.slice(colon + 1));
  return url.href.replace(/\/$/, proxy.endsWith('/') ? '/' : '');
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY'];

/**
 * What VS Code's proxy settings add to the proxy process's environment. The proxy reads
 * HTTPS_PROXY/HTTP_PROXY/NO_PROXY (proxy/src/server/security/outboundProxy.ts); a user who set the
 * proxy only in VS Code got an extension whose calls failed where VS Code's own worked. The
 * environment wins when it names a proxy (it is what the proxy would read from a terminal too);
 * `http.proxySupport: off` adds nothing. `http.proxyStrictSSL: false` is not carried over: TLS
 * verification is never turned off for the provider calls, which carry API keys; `notes` says what
 * to set instead (the company CA in NODE_EXTRA_CA_CERTS).
 */
export function editorProxyEnvironment(
  base: NodeJS.ProcessEnv,
  settings: EditorProxySettings,
  platform: NodeJS.Platform = process.platform,
): { env: Record<string, string>; notes: string[] } {
  const env: Record<string, string> = {};
  const notes: string[] = [];
  if (settings.proxySupport === 'off') return { env, notes };
  const fold = platform === 'win32' ? (n: string) => n.toUpperCase() : (n: string) => n;
  const has = (names: string[]) => Object.entries(base).some(([n, v]) => v?.trim() && names.some((name) => fold(n) === fold(name) || fold(n) === fold(name.toLowerCase())));
  const proxy = text(settings.proxy);
  const authorization = text(settings.proxyAuthorization);
  if (proxy && !has(PROXY_VARIABLES)) {
    const withAuth = authorization ? withBasicCredentials(proxy, authorization) : proxy;
    if (withAuth === undefined) {
      notes.push(
        '"http.proxyAuthorization" uses a scheme other than Basic, which Tollgate cannot send to the proxy; ' +
          'put the user name and password in "http.proxy" (http://user:password@host:port) or in HTTPS_PROXY.',
      );
    }
    env.HTTPS_PROXY = withAuth ?? proxy;
    env.HTTP_PROXY = withAuth ?? proxy;
    notes.push('upstream calls use the proxy of VS Code\'s "http.proxy" setting');
    const noProxy = [settings.noProxy].flat().map(text).filter(Boolean);
    if (noProxy.length > 0 && !has(['NO_PROXY'])) env.NO_PROXY = noProxy.join(',');
  }
  if (settings.strictSSL === false && (proxy || has(PROXY_VARIABLES))) {
    notes.push(
      '"http.proxyStrictSSL" is off in VS Code, but Tollgate still verifies TLS certificates of provider calls (they carry API keys). ' +
        "If they fail with a certificate error, set NODE_EXTRA_CA_CERTS to your company's CA file in the environment VS Code starts with.",
    );
  }
  return { env, notes };
}
