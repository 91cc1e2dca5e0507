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
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
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
