/**
 * The company proxy of the environment, read as curl, undici's EnvHttpProxyAgent and most tools
 * read it: `https_proxy`/`HTTPS_PROXY` for https:// targets (else the http one), `http_proxy`/
 * `HTTP_PROXY` for http:// targets, and `no_proxy`/`NO_PROXY` for the hosts reached directly.
 * undici (the upstream HTTP client) reads none of them by itself.
 *
 * NO_PROXY entries: `*` (nothing is proxied), a host (`internal.corp`, also its subdomains), a
 * domain suffix (`.internal`, `*.internal`), an IP address (`10.1.2.3`, `::1`, `[::1]`), a CIDR
 * range (`10.0.0.0/8`, `fd00::/8`), each optionally with `:port`. Loopback targets (localhost,
 * 127.0.0.0/8, ::1) are always reached directly, as Go's and Node's clients do: a local model
 * server behind a company proxy is never sent to it.
 */
import { BlockList, isIP } from 'node:net';

/** A proxy to use, with the variable that set it (for messages). */
export interface ProxySetting {
  url: URL;
  from: string;
}

interface HostRule {
  /** Lower-case host name without a leading dot; matches it and its subdomains. */
  suffix: string;
  port: number;
}

export interface OutboundProxy {
  http?: ProxySetting;
  https?: ProxySetting;
  /** NO_PROXY is `*`: every target is reached directly. */
  noProxyAll: boolean;
  hosts: HostRule[];
  /** IP addresses and ranges of NO_PROXY, with the port an entry named (0: any). */
  addresses: Array<{ list: BlockList; port: number }>;
  /** Values that could not be used (named in the start log); the proxy ignores them. */
  problems: string[];
}

export const NO_OUTBOUND_PROXY: OutboundProxy = { noProxyAll: false, hosts: [], addresses: [], problems: [] };

/** The first non-empty value among `names`, with its name. */
function firstSet(env: NodeJS.ProcessEnv, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks:', 'socks5:']);

function proxySetting(env: NodeJS.ProcessEnv, names: string[], problems: string[]): ProxySetting | undefined {
  const found = firstSet(env, names);
  if (!found) return undefined;
  // `proxy.corp:3128` without a scheme is common in these variables: curl reads it as http://.
  const raw = /^[a-z][a-z0-9+.-]*:\/\//i.test(found.value) ? found.value : `http://${found.value}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${found.name} is not a URL (expected http://host:port); upstream calls ignore it`);
    return undefined;
  }
  if (!PROXY_SCHEMES.has(url.protocol) || !url.hostname) {
    problems.push(`${found.name} names a ${url.protocol} proxy (${redactedProxy(url)}); only http, https and socks5 proxies are supported, upstream calls ignore it`);
    return undefined;
  }
  return { url, from: found.name };
}

/** `host`, `[v6]`, `host:port` or `[v6]:port` → host and port (0: any). Bare IPv6 has no port. */
function splitEntry(entry: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 0) };
  if (isIP(entry) === 6 || entry.includes('/')) return { host: entry, port: 0 };
  const withPort = /^(.+):(\d+)$/.exec(entry);
  return withPort ? { host: withPort[1]!, port: Number(withPort[2]) } : { host: entry, port: 0 };
}

function parseNoProxy(value: string, into: OutboundProxy): void {
  for (const raw of value.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') {
      into.noProxyAll = true;
      continue;
    }
    const { host, port } = splitEntry(entry);
    const cidr = /^(.+)\/(\d{1,3})$/.exec(host);
    if (cidr) {
      const family = isIP(cidr[1]!);
      const prefix = Number(cidr[2]);
      if (family === 0 || prefix > (family === 4 ? 32 : 128)) {
        into.problems.push(`NO_PROXY entry "${raw}" is not an address range; ignored`);
        continue;
      }
      const list = new BlockList();
      list.addSubnet(cidr[1]!, prefix, family === 4 ? 'ipv4' : 'ipv6');
      into.addresses.push({ list, port });
      continue;
    }
    const family = isIP(host);
    if (family !== 0) {
      const list = new BlockList();
      list.addAddress(host, family === 4 ? 'ipv4' : 'ipv6');
      into.addresses.push({ list, port });
      continue;
    }
    const suffix = host.replace(/^\*?\./, '').replace(/\.$/, '');
    if (suffix) into.hosts.push({ suffix, port });
  }
}

/** The proxy settings of `env` (the proxy process's environment). */
export function outboundProxyFromEnv(env: NodeJS.ProcessEnv): OutboundProxy {
  const out: OutboundProxy = { noProxyAll: false, hosts: [], addresses: [], problems: [] };
  const http = proxySetting(env, ['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'], out.problems);
  const https = proxySetting(env, ['https_proxy', 'HTTPS_PROXY'], out.problems) ?? http;
  if (http) out.http = http;
  if (https) out.https = https;
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY']);
  if (noProxy) parseNoProxy(noProxy.value, out);
  return out;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function addressMatches(list: BlockList, host: string, family: number): boolean {
  if (family === 4) return list.check(host, 'ipv4');
  // An IPv4-mapped IPv6 address (::ffff:10.1.2.3) matches the IPv4 entries too.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  return list.check(host, 'ipv6') || (mapped !== null && list.check(mapped[1]!, 'ipv4'));
}

/** The proxy for a request to `target`, or undefined to connect directly. */
export function proxyForTarget(cfg: OutboundProxy, target: URL): ProxySetting | undefined {
  const setting = target.protocol === 'https:' ? cfg.https : target.protocol === 'http:' ? cfg.http : undefined;
  if (!setting || cfg.noProxyAll) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const family = isIP(host);
  if (host === 'localhost' || host.endsWith('.localhost') || (family !== 0 && addressMatches(LOOPBACK, host, family))) return undefined;
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  if (family !== 0) {
    return cfg.addresses.some((a) => (a.port === 0 || a.port === port) && addressMatches(a.list, host, family)) ? undefined : setting;
  }
  const bypass = cfg.hosts.some((r) => (r.port === 0 || r.port === port) && (host === r.suffix || host.endsWith(`.${r.suffix}`)));
  return bypass ? undefined : setting;
}

/** The proxy URL without its credentials, for logs and messages (`http://***@proxy.corp:3128`). */
export function redactedProxy(url: URL): string {
  const auth = url.username || url.password ? '***@' : '';
  return `${url.protocol}//${auth}${url.host}`;
}

/** One line for the start log, or undefined when no proxy is set. Never shows credentials. */
export function describeOutboundProxy(cfg: OutboundProxy): string | undefined {
  const parts: string[] = [];
  if (cfg.https) parts.push(`https:// through ${redactedProxy(cfg.https.url)} (${cfg.https.from})`);
  if (cfg.http) parts.push(`http:// through ${redactedProxy(cfg.http.url)} (${cfg.http.from})`);
  if (parts.length === 0) return undefined;
  const direct = cfg.noProxyAll ? 'every host (NO_PROXY=*)' : 'loopback addresses and NO_PROXY hosts';
  return `upstream calls go ${parts.join(', ')}; directly to ${direct}`;
}
