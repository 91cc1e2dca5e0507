/** Which upstream URLs go through the company proxy: HTTPS_PROXY/HTTP_PROXY/NO_PROXY as curl and undici read them. */
import { describe, expect, it } from 'vitest';
import { describeOutboundProxy, outboundProxyFromEnv, proxyForTarget, redactedProxy } from '../../proxy/src/server/security/outboundProxy';

const via = (env: NodeJS.ProcessEnv, url: string) => proxyForTarget(outboundProxyFromEnv(env), new URL(url))?.url.host;
const P = 'http://proxy.corp:3128';

describe('HTTPS_PROXY / HTTP_PROXY', () => {
  it('https targets use HTTPS_PROXY, http targets HTTP_PROXY; lower case wins; https falls back to HTTP_PROXY', () => {
    expect(via({ HTTPS_PROXY: P }, 'https://api.openai.com/v1')).toBe('proxy.corp:3128');
    expect(via({ HTTPS_PROXY: P }, 'http://gateway.example:8080/v1')).toBeUndefined();
    expect(via({ HTTP_PROXY: 'http://h:1', HTTPS_PROXY: 'http://s:2' }, 'http://gateway.example/v1')).toBe('h:1');
    expect(via({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, 'https://api.openai.com')).toBe('lower:1');
    expect(via({ HTTP_PROXY: 'http://h:1' }, 'https://api.openai.com')).toBe('h:1');
    expect(via({}, 'https://api.openai.com')).toBeUndefined();
  });

  it('a proxy without a scheme is http://; an empty variable is unset; a bad one is reported, not used', () => {
    expect(via({ HTTPS_PROXY: 'proxy.corp:8080' }, 'https://api.openai.com')).toBe('proxy.corp:8080');
    expect(via({ https_proxy: ' ', HTTPS_PROXY: P }, 'https://api.openai.com')).toBe('proxy.corp:3128');
    const bad = outboundProxyFromEnv({ HTTPS_PROXY: 'ftp://proxy.corp:21' });
    expect(bad.https).toBeUndefined();
    expect(bad.problems.join()).toContain('HTTPS_PROXY');
  });

  it('loopback targets never go to the proxy (a local model server behind a company proxy)', () => {
    for (const url of ['http://localhost:11434/v1', 'http://127.0.0.1:8000', 'http://127.1.2.3', 'http://[::1]:8080', 'https://app.localhost']) {
      expect(via({ HTTP_PROXY: P, HTTPS_PROXY: P }, url)).toBeUndefined();
    }
  });

  it('credentials are never shown', () => {
    const cfg = outboundProxyFromEnv({ HTTPS_PROXY: 'http://me%40corp:s3cr%3At@proxy.corp:3128' });
    expect(redactedProxy(cfg.https!.url)).toBe('http://***@proxy.corp:3128');
    expect(describeOutboundProxy(cfg)).not.toMatch(/s3cr|me%40corp/);
  });
});

describe('NO_PROXY', () => {
  const env = (noProxy: string) => ({ HTTPS_PROXY: P, HTTP_PROXY: P, NO_PROXY: noProxy });

  it('* turns the proxy off', () => {
    expect(via(env('*'), 'https://api.openai.com')).toBeUndefined();
    expect(via(env('localhost, *'), 'https://api.openai.com')).toBeUndefined();
  });

  it('a domain covers its subdomains, with or without a leading dot or *.', () => {
    for (const entry of ['internal', '.internal', '*.internal']) {
      expect(via(env(entry), 'https://llm.internal/v1')).toBeUndefined();
      expect(via(env(entry), 'https://a.b.internal/v1')).toBeUndefined();
      expect(via(env(entry), 'https://notinternal/v1')).toBe('proxy.corp:3128');
    }
    expect(via(env('openai.com'), 'https://api.openai.com')).toBeUndefined();
    expect(via(env('OpenAI.COM.'), 'https://API.openai.com.')).toBeUndefined();
  });

  it('entries are split on commas and spaces; a port limits an entry to it', () => {
    expect(via(env('foo.example ,gw.corp:8443'), 'https://gw.corp:8443')).toBeUndefined();
    expect(via(env('foo.example ,gw.corp:8443'), 'https://gw.corp')).toBe('proxy.corp:3128');
    expect(via(env('gw.corp:443'), 'https://gw.corp')).toBeUndefined();
  });

  it('IP addresses and CIDR ranges, v4 and v6, bracketed or not', () => {
    expect(via(env('10.1.2.3'), 'http://10.1.2.3:8000')).toBeUndefined();
    expect(via(env('10.0.0.0/8'), 'http://10.200.0.9')).toBeUndefined();
    expect(via(env('10.0.0.0/8'), 'http://11.0.0.1')).toBe('proxy.corp:3128');
    expect(via(env('fd00::/8'), 'http://[fd12::1]:8000')).toBeUndefined();
    expect(via(env('[fd12::1]:8000'), 'http://[fd12::1]:8000')).toBeUndefined();
    expect(via(env('fd12::1'), 'http://[fd12::1]:9000')).toBeUndefined();
    expect(via(env('192.168.0.0/16'), 'http://[::ffff:192.168.1.1]')).toBeUndefined();
  });

  it('a host name entry does not match an address, nor the other way round', () => {
    expect(via(env('10.1.2.3'), 'https://10.1.2.3.nip.io')).toBe('proxy.corp:3128');
    expect(via(env('corp'), 'http://10.1.2.3')).toBe('proxy.corp:3128');
  });
});
