/**
 * An in-page stand-in for the extension host serving N synthetic calls, for the scale test:
 * 100,000 rows would take minutes to push through the Node bridge, and the point there is the
 * webview's virtualisation, not the proxy. Returned as page source (run before the bundle).
 */
export interface SyntheticCall {
  id: number;
  costUsd: number;
}

/** Cost of synthetic call `id` (the same formula runs in the page). */
export function syntheticCost(id: number): number {
  return ((id * 7919) % 1000) / 100_000;
}

export function syntheticHostScript(total: number): string {
  return `(() => {
  const TOTAL = ${total};
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-latest', 'o3-mini'];
  const caches = ['miss', 'miss', 'exact', 'semantic', 'miss'];
  const call = (id) => ({
    id, requestId: 'tg_' + id, ts: Date.now() - (TOTAL - id) * 1000, keyFingerprint: 'tg_0000000000000000',
    tags: { feature: 'feature-' + (id % 7), team: 'team-' + (id % 3), user: 'user-' + (id % 11) },
    provider: 'openai', endpoint: 'chat.completions', modelRequested: models[id % 4], modelUsed: models[id % 4], stream: false,
    cache: caches[id % 5], ...(id % 5 === 3 ? { similarity: 0.9 + (id % 10) / 100, sourceEntryId: id } : {}),
    inputTokens: 100 + (id % 50), outputTokens: 20 + (id % 30), cachedTokens: 0, cacheWriteTokens: 0, tokensEstimated: false,
    costUsd: ((id * 7919) % 1000) / 100000, savedUsd: 0, priced: true, latencyMs: 50 + (id % 400), overheadMs: 1, status: id % 97 === 0 ? 500 : 200,
    attempt: 1,
  });
  window.__tollgateSynthetic = { pages: 0 };
  window.__tollgateInPageHost = (m, reply) => setTimeout(() => {
    if (m.kind === 'command' && m.type === 'ready') {
      reply({ kind: 'notification', type: 'init', proxyUrl: 'http://127.0.0.1:1', view: 'panel', connection: { state: 'connected', proxyUrl: 'http://127.0.0.1:1' } });
      return;
    }
    if (m.kind !== 'request') return;
    const ok = (result) => reply({ kind: 'response', id: m.id, type: m.type, ok: true, result });
    if (m.type === 'calls/page') {
      window.__tollgateSynthetic.pages++;
      const limit = Math.min(1000, m.params.limit || 100);
      const start = m.params.before !== undefined ? m.params.before - 1 : TOTAL;
      const calls = [];
      for (let id = start; id >= 1 && calls.length < limit; id--) calls.push(call(id));
      const last = calls[calls.length - 1];
      ok({ calls, total: TOTAL, ...(last && last.id > 1 ? { nextBefore: last.id } : {}) });
    } else if (m.type === 'summary') {
      ok({ from: m.params.from || 0, to: m.params.to || Date.now(), totals: { key: 'total', calls: TOTAL, costUsd: 1, savedUsd: 0.2, inputTokens: 1, outputTokens: 1, hits: 1 }, by: [], series: [] });
    } else if (m.type === 'budgets') {
      ok([]);
    } else {
      reply({ kind: 'response', id: m.id, type: m.type, ok: false, error: 'not in the synthetic host' });
    }
  }, 0);
})();`;
}
