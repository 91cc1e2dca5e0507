/**
 * A rule's header match reads the request's own headers only. Node's `req.headers` is a plain object,
 * so a header rule named after an Object.prototype member (`constructor`, `toString`, `valueOf`)
 * used to find JavaScript's function there: `*` matched every request without the header, an exact
 * value threw on every request. Such names are ordinary header names now (the policy accepts them)
 * and match only when the request carries them.
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import type { Policy } from '../../proxy/src/policy/schema';
import { routeRequest, ruleMatches } from '../../proxy/src/routing/route';

/** The headers node gives a server for a request sending `sent` (the real object, prototype included). */
async function nodeHeaders(sent: Record<string, string>): Promise<IncomingHttpHeaders> {
  const server = createServer((req, res) => {
    res.end();
    seen(req.headers);
  });
  let seen: (h: IncomingHttpHeaders) => void = () => {};
  const got = new Promise<IncomingHttpHeaders>((r) => (seen = r));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  request({ host: '127.0.0.1', port, headers: sent }).end();
  const headers = await got;
  server.close();
  return headers;
}

function policyWith(header: string, pattern: string): Policy {
  const r = parsePolicy(
    `routing:\n  router: score\n  tiers:\n    openai: { small: gpt-4.1-nano, large: gpt-4.1 }\n  rules:\n    - name: narrow\n      match:\n        header:\n          ${header}: "${pattern}"\n      tier: large\n`,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

const route = (policy: Policy, headers: IncomingHttpHeaders) =>
  routeRequest({ policy, provider: 'openai', model: 'gpt-4.1-nano', messages: [{ role: 'user', text: 'hi' }], headers, inputTokens: 10 });

describe('header rules named like Object.prototype members', () => {
  it.each(['constructor', 'Constructor', 'toString', 'valueOf', 'hasOwnProperty'])('"%s" is accepted and matches only a request carrying it', async (name) => {
    for (const pattern of ['*', 'x']) {
      const policy = policyWith(name, pattern);
      expect(route(policy, await nodeHeaders({ 'x-team': 'search' }))).toBeUndefined();
      expect(route(policy, await nodeHeaders({ [name]: 'x' }))?.model).toBe('gpt-4.1');
      expect(route(policy, await nodeHeaders({ [name]: 'y' }))?.model).toBe(pattern === '*' ? 'gpt-4.1' : undefined);
    }
  });

  it('the semantic-threshold and flex matcher (ruleMatches) agrees', async () => {
    const rule = { match: { header: { constructor: '*' } } };
    expect(ruleMatches(rule, { model: 'm', headers: await nodeHeaders({}), inputTokens: 0 })).toBe(false);
    expect(ruleMatches(rule, { model: 'm', headers: await nodeHeaders({ constructor: 'a' }), inputTokens: 0 })).toBe(true);
  });

  it('a provider named like an Object.prototype member has no tiers until the policy gives it some', () => {
    const r = parsePolicy('providers:\n  constructor: { baseUrl: "https://llm.example/v1" }\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(() => routeRequest({ policy: r.policy, provider: 'constructor', model: 'auto', messages: [{ role: 'user', text: 'hi' }], headers: {}, inputTokens: 1 })).toThrow(
      /needs routing tiers for provider "constructor"/,
    );
  });
});
