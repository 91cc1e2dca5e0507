/**
 * The learned judge inside the proxy (real USE-lite, real sqlite-vec, the official OpenAI SDK;
 * only the provider is the fake): the hit carries its probability, the three feedback paths
 * (dashboard evict, POST /tollgate/cache/feedback, x-tollgate-feedback header) evict the answer
 * and tighten only that feature, and the optional small-model verification of uncertain
 * candidates (cost in the ledger, bounded by its timeout, off by default).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { STEP_UP } from '../../proxy/src/cache/semantic/quality/qualityStore';
import { startHarness, waitForEmbedder, type Harness } from '../support/harness';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  // A generous embedding timeout: on a loaded test machine a lookup must not turn into a miss.
  h = await startHarness({ cache: { semantic: { enabled: true, backend: 'use-lite', embedTimeoutMs: 10_000 } } });
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-judge-a', maxRetries: 0 });
  await waitForEmbedder(h.proxy.url);
}, 240_000);
afterAll(async () => h.close());

function setSemantic(patch: Record<string, unknown>): void {
  const current = h.proxy.services.policy.policy;
  h.proxy.services.policy.set(PolicySchema.parse({ ...current, cache: { ...current.cache, semantic: { ...current.cache.semantic, ...patch } } }));
}

const ask = (content: string, feature: string, headers: Record<string, string> = {}) =>
  client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: `feature ${feature}` }, { role: 'user', content }] }, { headers: { 'x-tollgate-feature': feature, ...headers } })
    .withResponse()
    .then(({ data, response }) => ({
      text: data.choices[0]?.message.content ?? '',
      cache: response.headers.get('x-tollgate-cache'),
      probability: response.headers.get('x-tollgate-hit-probability'),
      requestId: response.headers.get('x-tollgate-request-id') ?? '',
      feedback: response.headers.get('x-tollgate-feedback'),
    }));

async function quality(): Promise<Array<{ feature: string; minProbability: number; feedback: number; hits: number; badHits: number; lookups: number }>> {
  const r = await fetch(`${h.proxy.url}/tollgate/cache/quality`, { headers: ADMIN() });
  return ((await r.json()) as { features: Array<{ feature: string; minProbability: number; feedback: number; hits: number; badHits: number; lookups: number }> }).features;
}

const ADMIN = () => ({ authorization: `Bearer ${h.proxy.adminToken}`, 'content-type': 'application/json' });

describe('judge in the proxy', () => {
  it('a paraphrase hits with its probability in the header and the ledger; a different object does not', async () => {
    setSemantic({ wrongAnswerCostUsd: 0 });
    const first = await ask('How do I reset my password?', 'acct');
    expect(first.cache).toBe('miss');
    const second = await ask('How can I reset my password?', 'acct');
    expect(second.cache).toBe('semantic');
    expect(second.text).toBe(first.text);
    const p = Number(second.probability);
    expect(p).toBeGreaterThan(0.5);
    expect(p).toBeLessThanOrEqual(1);
    const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(row.cache).toBe('semantic');
    const details = h.proxy.services.db.prepare('SELECT details FROM calls WHERE id = ?').get(row.id) as { details: string };
    expect(JSON.parse(details.details).responseHeaders['x-tollgate-hit-probability']).toBe(second.probability);
    const other = await ask('How do I reset my router?', 'acct');
    expect(other.cache).toBe('miss');
    const q = (await quality()).find((f) => f.feature === 'acct')!;
    expect(q).toMatchObject({ hits: 1, badHits: 0, lookups: 3 });
  });

  it('an opposite in a word\'s place or two words that change places is a miss, however close the vectors', async () => {
    setSemantic({ wrongAnswerCostUsd: 0 });
    const pairs: [string, string][] = [
      ['How do I turn on dark mode in Chrome?', 'How do I turn off dark mode in Chrome?'],
      ['What is the shipping cost to the UK?', 'What is the shipping cost from the UK?'],
      ['How do I increase my credit score?', 'How do I decrease my credit score?'],
      ['How many teaspoons are in a tablespoon?', 'How many tablespoons are in a teaspoon?'],
    ];
    for (const [i, [stored, asked]] of pairs.entries()) {
      expect((await ask(stored, `opposites-${i}`)).cache).toBe('miss');
      const r = await ask(asked, `opposites-${i}`);
      expect(r.cache, asked).toBe('miss');
      expect(r.text).not.toContain('You said: How do I turn on');
    }
    // The same feature still serves a paraphrase of the stored prompt.
    expect((await ask('How can I turn on dark mode in Chrome?', 'opposites-0')).cache).toBe('semantic');
  });

  it('"fill in" / "fill out" a form and a comparison with its sides reordered are served; the swaps beside them are not', async () => {
    setSemantic({ wrongAnswerCostUsd: 0 });
    const pairs: [string, string, 'semantic' | 'miss'][] = [
      ['How do I fill in the tax form?', 'How do I fill out the tax form?', 'semantic'],
      ['How does Python compare to Java for data science?', 'How does Java compare to Python for data science?', 'semantic'],
      ['How do I log in to Gmail?', 'How do I log out of Gmail?', 'miss'],
      ['Convert Python code to Java code', 'Convert Java code to Python code', 'miss'],
    ];
    for (const [i, [stored, asked, expected]] of pairs.entries()) {
      expect((await ask(stored, `particles-${i}`)).cache).toBe('miss');
      expect((await ask(asked, `particles-${i}`)).cache, asked).toBe(expected);
    }
  });

  it('another API key never shares a semantic hit, and non-English or code prompts get none', async () => {
    setSemantic({ wrongAnswerCostUsd: 0 });
    await ask('What is the best way to learn the guitar?', 'tenants');
    const other = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-judge-b', maxRetries: 0 });
    const asked = (c: OpenAI) =>
      c.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'feature tenants' }, { role: 'user', content: 'What is the best way to learn guitar?' }] }, { headers: { 'x-tollgate-feature': 'tenants' } })
        .withResponse()
        .then(({ response }) => response.headers.get('x-tollgate-cache'));
    expect(await asked(other)).toBe('miss');
    expect(await asked(client)).toBe('semantic');
    const unreadable: [string, string][] = [
      ['¿Cómo puedo restablecer mi contraseña de correo electrónico?', '¿Cómo restablezco mi contraseña de correo electrónico?'],
      ['Как мне сбросить пароль от почты?', 'Как сбросить пароль от почты?'],
      [`Why does this fail?\n${'const total = items.reduce((sum, item) => sum + item.price * item.qty, 0);\n'.repeat(6)}`, `Why does this not work?\n${'const total = items.reduce((sum, item) => sum + item.price * item.qty, 0);\n'.repeat(6)}`],
    ];
    for (const [i, [stored, paraphrase]] of unreadable.entries()) {
      await ask(stored, `unreadable-${i}`);
      expect((await ask(paraphrase, `unreadable-${i}`)).cache, paraphrase).toBe('miss');
    }
  });

  it('evicting a semantic hit from the dashboard tightens that feature only', async () => {
    await ask('What is the capital of France?', 'geo');
    await ask('What is the capital of France?', 'other-feature');
    const hit = await ask("What's the capital of France?", 'geo');
    expect(hit.cache).toBe('semantic');
    const before = await quality();
    const sourceId = h.proxy.services.ledger.page({}, 1).calls[0]!.sourceEntryId!;
    const del = await fetch(`${h.proxy.url}/tollgate/cache/entries/${sourceId}`, { method: 'DELETE', headers: ADMIN() });
    expect(del.status).toBe(200);
    const after = await quality();
    const geo = after.find((f) => f.feature === 'geo')!;
    // One step tighter (a rate controller, not "above the probability that was wrong").
    expect(geo.minProbability).toBeCloseTo(before.find((f) => f.feature === 'geo')!.minProbability + STEP_UP, 6);
    expect(geo).toMatchObject({ badHits: 1, feedback: 1 });
    // The reported pair (query embedding, entry embedding) is remembered for that feature only.
    const confusions = (feature: string) => (h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM semantic_confusions WHERE feature = ?').get(feature) as { n: number }).n;
    expect(confusions('geo')).toBe(1);
    expect(confusions('other-feature')).toBe(0);
    for (const f of after.filter((x) => x.feature !== 'geo')) expect(f.minProbability).toBe(before.find((b) => b.feature === f.feature)?.minProbability ?? f.minProbability);
    expect(after.find((f) => f.feature === 'acct')!.feedback).toBe(0);
    // The wrong answer is gone: the same question goes upstream again.
    expect((await ask("What's the capital of France?", 'geo')).cache).toBe('miss');
  });

  it('POST /tollgate/cache/feedback by request id and the x-tollgate-feedback header both report a bad hit', async () => {
    await ask('How do I cancel my subscription?', 'billing');
    const hit = await ask('How can I cancel my subscription?', 'billing');
    expect(hit.cache).toBe('semantic');
    const bad = await fetch(`${h.proxy.url}/tollgate/cache/feedback`, { method: 'POST', headers: ADMIN(), body: JSON.stringify({ requestId: hit.requestId, verdict: 'bad-hit' }) });
    expect(bad.status).toBe(200);
    expect(await bad.json()).toMatchObject({ evicted: true, feature: 'billing', feedback: 1 });
    const unknown = await fetch(`${h.proxy.url}/tollgate/cache/feedback`, { method: 'POST', headers: ADMIN(), body: JSON.stringify({ requestId: 'no-such-request' }) });
    expect(unknown.status).toBe(404);
    const noAuth = await fetch(`${h.proxy.url}/tollgate/cache/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: hit.requestId }) });
    expect(noAuth.status).toBe(401);

    await ask('Where can I download my invoice?', 'invoices');
    const hit2 = await ask('Where do I download my invoice?', 'invoices');
    expect(hit2.cache).toBe('semantic');
    const next = await ask('Something unrelated about the weather today', 'invoices', { 'x-tollgate-feedback': 'bad-hit' });
    expect(next.feedback).toMatch(/^recorded; feature=invoices/);
    const inv = (await quality()).find((f) => f.feature === 'invoices')!;
    expect(inv).toMatchObject({ badHits: 1, feedback: 1 });
    // Both paths remember the confusion (the hit kept its query's embedding).
    const n = (feature: string) => (h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM semantic_confusions WHERE feature = ?').get(feature) as { n: number }).n;
    expect(n('billing')).toBe(1);
    expect(n('invoices')).toBe(1);
    expect((await ask('Where do I download my invoice?', 'invoices')).cache).toBe('miss');
  });
});

describe('verification by the small-tier model (uncertain band)', () => {
  it('is off by default: an uncertain candidate is a miss and no verification call is made', async () => {
    setSemantic({ maxFalseHitRisk: 0.0001, wrongAnswerCostUsd: 0, verify: { enabled: false, fromProbability: 0, timeoutMs: 1500 } });
    await ask('How do I change my email address? [[fake:reply-same]]', 'verify-off');
    const calls = h.upstream.calls();
    expect((await ask('How can I change my email address? [[fake:reply-same]]', 'verify-off')).cache).toBe('miss');
    expect(h.upstream.calls()).toBe(calls + 1);
  });

  it('SAME serves the candidate; the check is its own ledger row with its cost', async () => {
    setSemantic({ maxFalseHitRisk: 0.0001, wrongAnswerCostUsd: 0, verify: { enabled: true, model: 'gpt-4o-mini', fromProbability: 0, timeoutMs: 3000 } });
    await ask('How do I update my billing address? [[fake:reply-same]]', 'verify-on');
    const calls = h.upstream.calls();
    const r = await ask('How can I update my billing address? [[fake:reply-same]]', 'verify-on');
    expect(r.cache).toBe('semantic');
    expect(h.upstream.calls()).toBe(calls + 1); // the verification call only
    const verifyReq = h.upstream.requests.at(-1)!;
    expect(JSON.stringify(verifyReq.body)).toContain('SAME or DIFFERENT');
    const rows = h.proxy.services.ledger.page({}, 5).calls.filter((c) => c.requestId === r.requestId);
    const check = rows.find((c) => c.route?.startsWith('semantic-cache verification'))!;
    expect(check.route).toBe('semantic-cache verification: same');
    expect(check.costUsd).toBeGreaterThan(0);
    expect(rows.find((c) => c.cache === 'semantic')).toBeDefined();
  });

  it('DIFFERENT, or no answer within the timeout, is a miss', async () => {
    setSemantic({ maxFalseHitRisk: 0.0001, wrongAnswerCostUsd: 0, verify: { enabled: true, model: 'gpt-4o-mini', fromProbability: 0, timeoutMs: 3000 } });
    await ask('How do I delete my account? [[fake:reply-different]]', 'verify-diff');
    const r = await ask('How can I delete my account? [[fake:reply-different]]', 'verify-diff');
    expect(r.cache).toBe('miss');
    const check = h.proxy.services.ledger.page({}, 5).calls.find((c) => c.requestId === r.requestId && c.route?.startsWith('semantic-cache verification'))!;
    expect(check.route).toBe('semantic-cache verification: different');

    setSemantic({ maxFalseHitRisk: 0.0001, wrongAnswerCostUsd: 0, verify: { enabled: true, model: 'gpt-4o-mini', fromProbability: 0, timeoutMs: 200 } });
    await ask('How do I export my data? [[fake:reply-same]] [[fake:slow=1500]]', 'verify-slow');
    const slow = await ask('How can I export my data? [[fake:reply-same]] [[fake:slow=1500]]', 'verify-slow');
    // The check was sent, and its reply (SAME, 1.3 s after the timeout) would have made this a hit:
    // a miss with no verdict is the timeout's doing.
    expect(h.upstream.requests.some((r) => JSON.stringify(r.body).includes('SAME or DIFFERENT') && JSON.stringify(r.body).includes('How can I export my data?'))).toBe(true);
    expect(slow.cache).toBe('miss');
    const timedOut = h.proxy.services.ledger.page({}, 5).calls.find((c) => c.requestId === slow.requestId && c.route?.startsWith('semantic-cache verification'))!;
    expect(timedOut).toMatchObject({ route: 'semantic-cache verification: no verdict', errorType: 'semantic_verification_failed' });
  });
});
