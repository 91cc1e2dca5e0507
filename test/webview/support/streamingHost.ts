/**
 * Adds to the in-page synthetic host (syntheticHost.ts): a count of requests by type, call detail
 * for the calls it served, a chosen budgets answer, and a live stream of `calls/appended`
 * notifications as the extension host sends them (one batch per tick). Page source, run after
 * syntheticHostScript and before the bundle.
 */
import type { BudgetStatus, CallRecord, SummaryBucket } from '../../../webview/src/protocol';

export interface StreamingHostOptions {
  budgets?: BudgetStatus[];
  /** Summary breakdowns (`by` for any dimension), with one bucket of spend an hour ago in the series. */
  summaryBy?: SummaryBucket[];
}

/** A live call as the proxy records it; `over` replaces fields. */
export function liveCall(id: number, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id, requestId: `tg_${id}`, ts: Date.now(), keyFingerprint: 'tg_0000000000000000', tags: { feature: 'live', team: 'team-0', user: 'user-0' },
    provider: 'openai', endpoint: 'chat.completions', modelRequested: 'gpt-4o-mini', modelUsed: 'gpt-4o-mini', stream: false, cache: 'miss',
    inputTokens: 12, outputTokens: 7, cachedTokens: 0, cacheWriteTokens: 0, tokensEstimated: false, costUsd: 0.00042, savedUsd: 0, priced: true,
    latencyMs: 120, overheadMs: 1, status: 200, attempt: 1, ...over,
  };
}

export function streamingHostScript(opts: StreamingHostOptions = {}): string {
  return `(() => {
  const inner = window.__tollgateInPageHost;
  const budgets = ${JSON.stringify(opts.budgets ?? null)};
  const summaryBy = ${JSON.stringify(opts.summaryBy ?? null)};
  const served = new Map();
  window.__requests = {};
  window.__tollgateInPageHost = (m, reply) => {
    if (m.kind === 'request') window.__requests[m.type] = (window.__requests[m.type] || 0) + 1;
    if (m.kind === 'request' && m.type === 'budgets' && budgets) {
      setTimeout(() => reply({ kind: 'response', id: m.id, type: m.type, ok: true, result: budgets }), 0);
      return;
    }
    if (m.kind === 'request' && m.type === 'summary' && summaryBy) {
      const p = m.params;
      const total = summaryBy.reduce((a, b) => ({ ...a, calls: a.calls + b.calls, costUsd: a.costUsd + b.costUsd }), { key: 'total', calls: 0, costUsd: 0, savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 });
      const t = p.bucketMs ? Math.floor((p.to - 3600000) / p.bucketMs) * p.bucketMs : p.from;
      const series = p.bucketMs ? [{ t, costUsd: total.costUsd, savedUsd: 0, calls: total.calls, hits: 0 }] : undefined;
      setTimeout(() => reply({ kind: 'response', id: m.id, type: m.type, ok: true, result: { from: p.from, to: p.to, totals: total, by: p.by ? summaryBy : [], ...(series ? { series } : {}) } }), 0);
      return;
    }
    if (m.kind === 'request' && m.type === 'call/detail') {
      const c = served.get(m.params.callId);
      setTimeout(() => reply(c
        ? { kind: 'response', id: m.id, type: m.type, ok: true, result: { call: c, breakdown: { priced: true, inputUsd: 0, outputUsd: c.costUsd, totalUsd: c.costUsd, wouldHaveCost: false } } }
        : { kind: 'response', id: m.id, type: m.type, ok: false, error: 'unknown call' }), 0);
      return;
    }
    inner(m, (r) => {
      if (r.kind === 'response' && r.type === 'calls/page' && r.ok) for (const c of r.result.calls) served.set(c.id, c);
      reply(r);
    });
  };
  /** Posts live calls as the host does (a notification per batch). */
  window.__push = (calls) => {
    for (const c of calls) served.set(c.id, c);
    window.postMessage({ kind: 'notification', type: 'calls/appended', calls }, '*');
  };
  let nextId = 10000000;
  /** A batch of \`per\` calls every \`every\` ms for \`ms\` ms; resolves with the number of batches sent. */
  window.__stream = (ms, every, per) => new Promise((resolve) => {
    const end = performance.now() + ms;
    let batches = 0;
    const tick = () => {
      if (performance.now() >= end) return resolve(batches);
      const calls = [];
      for (let i = 0; i < per; i++) {
        const id = nextId++;
        calls.push({ id, requestId: 'tg_' + id, ts: Date.now(), keyFingerprint: 'tg_0000000000000000', tags: { feature: 'live', team: 'team-' + (id % 3), user: 'user-0' },
          provider: 'openai', endpoint: 'chat.completions', modelRequested: 'gpt-4o-mini', modelUsed: 'gpt-4o-mini', stream: false, cache: id % 4 ? 'miss' : 'exact',
          inputTokens: 12, outputTokens: 7, cachedTokens: 0, cacheWriteTokens: 0, tokensEstimated: false, costUsd: (id % 89) / 100000, savedUsd: 0, priced: true,
          latencyMs: 50 + (id % 300), overheadMs: 1, status: 200, attempt: 1 });
      }
      window.__push(calls);
      batches++;
      setTimeout(tick, every);
    };
    tick();
  });
})();`;
}
