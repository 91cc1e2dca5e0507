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

export function proxyEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const allowedKeys = new Set((base.TOLLGATE_ALLOW_KEY_ENV ?? '').split(/[\s,]+/).filter(Boolean));
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (BASICS.includes(name) || name.startsWith('LC_') || name.startsWith('TOLLGATE_') || /^[A-Z][A-Z0-9_]*_API_KEY$/.test(name) || allowedKeys.has(name)) {
      out[name] = value;
    }
  }
  return out;
}
