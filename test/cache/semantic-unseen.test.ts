/**
 * Semantic cache fixes found by a probe, end to end through the real proxy (real USE-lite, real
 * openai SDK): long prompts past the embedder's window, `judge: false`, feedback after a restart,
 * feedback by request id across features, `adaptive: false`, the bad-hit header on calls that
 * skip the lookup, legacy completions with `echo`, strict threshold header parsing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USE_LITE_MAX_TOKENS } from '../../proxy/src/embedding/backends/use-lite-forward';
import { encodeLinear } from '../../proxy/src/embedding/backends/use-lite-tokenizer';
import { cannotJudgeReason, inputLimitOf, useLiteVocabulary } from '../../proxy/src/cache/semantic/inputLimit';
import { semanticKey } from '../../proxy/src/cache/semantic/namespace';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startHarness, waitForEmbedder, type Harness } from '../support/harness';

const SEMANTIC = { enabled: true, backend: 'use-lite' as const, wrongAnswerCostUsd: 0, embedTimeoutMs: 10_000 };
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-sem-unseen-'));
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ cache: { semantic: SEMANTIC } }, { dataDir });
  await waitForEmbedder(h.proxy.url);
}, 180_000);
afterAll(async () => {
  await h?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function setSemantic(patch: Record<string, unknown>): void {
  const cur = JSON.parse(JSON.stringify(h.proxy.services.policy.policy));
  cur.cache.semantic = { ...cur.cache.semantic, ...patch };
  h.proxy.services.policy.set(PolicySchema.parse(cur));
}

const client = (key = 'sk-unseen-a', headers: Record<string, string> = {}) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: key, maxRetries: 0, defaultHeaders: headers });

async function ask(content: string, opts: { system?: string; feature?: string; headers?: Record<string, string>; model?: string; key?: string } = {}) {
  const c = client(opts.key, { ...(opts.feature ? { 'x-tollgate-feature': opts.feature } : {}), ...(opts.headers ?? {}) });
  const { data, response } = await c.chat.completions
    .create({ model: opts.model ?? 'gpt-4o-mini', messages: [{ role: 'system', content: opts.system ?? 'You are a helpful support agent.' }, { role: 'user', content }] })
    .withResponse();
  const hd = (n: string) => response.headers.get(n);
  return { text: data.choices[0]?.message.content ?? '', cache: hd('x-tollgate-cache'), rid: hd('x-tollgate-request-id')!, feedback: hd('x-tollgate-feedback'), skipped: hd('x-tollgate-semantic-skipped'), similarity: hd('x-tollgate-similarity') };
}

const admin = () => ({ authorization: `Bearer ${h.proxy.adminToken}`, 'content-type': 'application/json' });
const point = (feature: string) => h.proxy.services.db.prepare('SELECT adjustment, feedback FROM semantic_operating_points WHERE feature = ?').get(feature) as { adjustment: number; feedback: number } | undefined;
const feedback = async (body: unknown) => {
  const r = await fetch(`${h.proxy.url}/tollgate/cache/feedback`, { method: 'POST', headers: admin(), body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as { feature?: string; minProbability?: number } };
};

const CONTRACT =
  'Contract clause 4.2: The supplier shall deliver all goods within the agreed window and notify the buyer of any delay in writing. Penalties apply for late delivery as described in the schedule, and the buyer may terminate the agreement if delays exceed the stated limit. The supplier warrants that goods are free of defects for the warranty period and will replace defective goods at its own cost. Liability is capped at the contract value except for gross negligence or wilful misconduct. ';

describe('prompts longer than the embedder reads', () => {
  it('a different question after a long shared text is not served, and the reason is on the response and in the ledger', async () => {
    const system = 'You review contracts.';
    expect((await ask(`${CONTRACT.repeat(2)}\nIs the supplier's liability capped?`, { system })).cache).toBe('miss');
    const b = await ask(`${CONTRACT.repeat(2)}\nCan the buyer terminate the agreement for late delivery?`, { system });
    expect(b.cache).toBe('miss');
    expect(b.skipped).toMatch(/embedder cannot judge: longer than the embedder reads \(128 tokens\)/);
    const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
    const detail = (await (await fetch(`${h.proxy.url}/tollgate/calls/${row.id}`, { headers: admin() })).json()) as { responseHeaders?: Record<string, string> };
    expect(detail.responseHeaders?.['x-tollgate-semantic-skipped']).toMatch(/longer than the embedder reads/);
    // The identical long prompt is still an exact hit.
    expect((await ask(`${CONTRACT.repeat(2)}\nIs the supplier's liability capped?`, { system })).cache).toBe('exact');
  });

  it('short prompts are unaffected: a paraphrase still hits', async () => {
    await ask('How do I update my billing address?', { system: 'long-1' });
    const r = await ask('How can I update my billing address?', { system: 'long-1' });
    expect(r.cache).toBe('semantic');
    expect(r.skipped).toBeNull();
  });

  it('the bound never calls a truncated text whole, and runs no tokenizer up to 127 characters', () => {
    const limit = inputLimitOf({ backend: 'use-lite', modelId: 'x' });
    expect(limit.maxTokens).toBe(USE_LITE_MAX_TOKENS);
    const tok = useLiteVocabulary().tokenizer;
    const texts = [
      'I have friends that would like to top-up my account is that possible?',
      // 286 characters, the longest BANKING77 dev prompt's length: ~60 tokens, read whole.
      'I made a transfer from my account to another bank account two days ago and the money has still not arrived, the recipient says nothing has come in and my app shows the transfer as completed, what should I do now and how long does it usually take for a transfer like this to arrive?',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 '.repeat(3),
      `${CONTRACT}Is liability capped?`,
      'x'.repeat(127),
      'x q '.repeat(40),
    ];
    for (const t of texts) {
      const whole = encodeLinear(tok, t).length <= USE_LITE_MAX_TOKENS;
      // Read whole, it may still be refused for its language ("x q …" is not English).
      expect(/longer than the embedder reads/.test(cannotJudgeReason(t, limit) ?? ''), t).toBe(!whole);
    }
    expect(cannotJudgeReason(texts[1]!, limit)).toBeUndefined();
    // MiniLM (WordPiece, 512 with [CLS]/[SEP]) and unknown upstream models: strict char bounds.
    expect(cannotJudgeReason('word '.repeat(400), inputLimitOf({ backend: 'transformers', modelId: 'm' }))).toMatch(/512 tokens/);
    expect(cannotJudgeReason('How do I reset my password?', inputLimitOf({ backend: 'upstream', modelId: 'upstream:h/m' }))).toBeUndefined();
  });
});

describe('judge: false', () => {
  it('applies the backend calibrated cosine threshold and the guard (not 0)', async () => {
    setSemantic({ judge: false });
    try {
      await ask('weather', { system: 'judge-off' });
      expect((await ask('what is the weather?', { system: 'judge-off' })).cache).toBe('miss');
      // A near-identical paraphrase (cosine ≥ 0.96) is still served.
      await ask('How do I reset my password?', { system: 'judge-off-2' });
      const r = await ask('How do I reset my password ?', { system: 'judge-off-2' });
      expect(r.cache).toBe('semantic');
      expect(Number(r.similarity)).toBeGreaterThanOrEqual(0.96);
    } finally {
      setSemantic({ judge: true });
    }
  });
});

describe('feedback', () => {
  it('a report by request id marks exactly that hit: its feature only, named in the response', async () => {
    await ask('Where can I download my invoice?', { feature: 'shared' });
    const r1 = await ask('Where do I download my invoice?', { feature: 'featA' });
    const r2 = await ask('Where could I download my invoice?', { feature: 'featB' });
    expect([r1.cache, r2.cache]).toEqual(['semantic', 'semantic']);
    const res = await feedback({ requestId: r1.rid });
    expect(res.status).toBe(200);
    expect(res.body.feature).toBe('featA');
    expect(point('featA')?.adjustment).toBeGreaterThan(0);
    expect(point('featB')).toBeUndefined();
  });

  it('adaptive: false records the report but moves no operating point', async () => {
    setSemantic({ adaptive: false });
    try {
      await ask('How do I change my email address?', { feature: 'adapt' });
      expect((await ask('How can I change my email address?', { feature: 'adapt' })).cache).toBe('semantic');
      const fb = await ask('Something unrelated about cats', { feature: 'adapt', headers: { 'x-tollgate-feedback': 'bad-hit' } });
      expect(fb.feedback).toMatch(/^recorded; feature=adapt/);
      expect(point('adapt')?.adjustment ?? 0).toBe(0);
      const q = (await (await fetch(`${h.proxy.url}/tollgate/cache/quality`, { headers: admin() })).json()) as { features: Array<{ feature: string; badHits: number; minProbability: number }> };
      const row = q.features.find((f) => f.feature === 'adapt')!;
      expect(row.badHits).toBe(1);
      expect(row.minProbability).toBeCloseTo(0.77, 2);
    } finally {
      setSemantic({ adaptive: true });
    }
  });

  it('the bad-hit header applies on a no-store call and says why when there is nothing to report', async () => {
    await ask('How do I delete my account?', { feature: 'hdr' });
    expect((await ask('How can I delete my account?', { feature: 'hdr' })).cache).toBe('semantic');
    const r = await ask('And what about my data?', { feature: 'hdr', headers: { 'x-tollgate-feedback': 'bad-hit', 'x-tollgate-cache': 'no-store' } });
    expect(r.feedback).toMatch(/^recorded; feature=hdr/);
    expect(point('hdr')?.adjustment).toBeGreaterThan(0);
    setSemantic({ excludeFeatures: ['excluded-*'] });
    try {
      const x = await ask('Anything at all', { feature: 'excluded-x', headers: { 'x-tollgate-feedback': 'bad-hit' } });
      expect(x.feedback).toMatch(/^ignored; no earlier semantic hit/);
    } finally {
      setSemantic({ excludeFeatures: [] });
    }
  });

  it('the bad-hit header applies on a call that is itself an exact hit', async () => {
    await ask('Which plans include priority support?', { feature: 'exact-fb' });
    await ask('How do I export my contacts?', { feature: 'exact-fb' });
    expect((await ask('How can I export my contacts?', { feature: 'exact-fb' })).cache).toBe('semantic');
    // An earlier question again: answered from the exact cache, before the semantic stage.
    const r = await ask('Which plans include priority support?', { feature: 'exact-fb', headers: { 'x-tollgate-feedback': 'bad-hit' } });
    expect(r.cache).toBe('exact');
    expect(r.feedback).toMatch(/^recorded; feature=exact-fb/);
    expect(point('exact-fb')?.adjustment).toBeGreaterThan(0);
  });

  it('after a restart, a report tightens from the judge operating point (before the model has loaded)', async () => {
    await ask('How do I cancel my subscription?', { feature: 'billing' });
    const hit = await ask('How can I cancel my subscription?', { feature: 'billing' });
    expect(hit.cache).toBe('semantic');
    await h.close();
    h = await startHarness({ cache: { semantic: SEMANTIC } }, { dataDir });
    const res = await feedback({ requestId: hit.rid });
    expect(res.status).toBe(200);
    expect(point('billing')?.adjustment).toBeCloseTo(0.02, 5);
    expect(res.body.minProbability).toBeCloseTo(0.79, 2);
    const q = (await (await fetch(`${h.proxy.url}/tollgate/cache/quality`, { headers: admin() })).json()) as { defaultMinProbability: number | null };
    expect(q.defaultMinProbability).toBeCloseTo(0.77, 2);
    await waitForEmbedder(h.proxy.url);
  }, 180_000);
});

describe('request checks', () => {
  it('legacy completions with echo, logprobs or suffix are not eligible', () => {
    expect(semanticKey('completions', { model: 'm', prompt: 'How do I reset my password?', echo: true })).toMatchObject({ eligible: false });
    expect(semanticKey('completions', { model: 'm', prompt: 'How do I reset my password?', logprobs: 2 })).toMatchObject({ eligible: false });
    expect(semanticKey('completions', { model: 'm', prompt: 'How do I reset my password?', suffix: ' end' })).toMatchObject({ eligible: false });
    expect(semanticKey('completions', { model: 'm', prompt: 'How do I reset my password?', echo: false })).toMatchObject({ eligible: true });
  });

  it('a chat request for log probabilities is not answered from another prompt (they score that prompt)', async () => {
    const withLogprobs = async (content: string) => {
      const { response } = await client()
        .chat.completions.create({ model: 'gpt-4o-mini', logprobs: true, top_logprobs: 2, messages: [{ role: 'system', content: 'logprobs-1' }, { role: 'user', content }] })
        .withResponse();
      return response.headers.get('x-tollgate-cache');
    };
    expect(await withLogprobs('How do I update my shipping address?')).toBe('miss');
    expect(await withLogprobs('How can I update my shipping address?')).toBe('miss');
    // The identical request is still an exact hit, and without logprobs the paraphrase hits.
    expect(await withLogprobs('How do I update my shipping address?')).toBe('exact');
    await ask('How do I update my shipping address?', { system: 'logprobs-1' });
    expect((await ask('How can I update my shipping address?', { system: 'logprobs-1' })).cache).toBe('semantic');
  });

  it('a vLLM request for the prompt\'s log probabilities is not answered from another prompt', async () => {
    // vLLM's chat and completions answers carry `prompt_logprobs`: the scores of the prompt's own tokens.
    const scored = async (content: string) => {
      const { response } = await client()
        .chat.completions.create({ model: 'gpt-4o-mini', prompt_logprobs: 1, messages: [{ role: 'system', content: 'prompt-logprobs-1' }, { role: 'user', content }] } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .withResponse();
      return response.headers.get('x-tollgate-cache');
    };
    expect(await scored('How do I update my shipping address?')).toBe('miss');
    expect(await scored('How can I update my shipping address?')).toBe('miss');
    expect(semanticKey('completions', { model: 'm', prompt: 'say hi', prompt_logprobs: 0 }).eligible).toBe(false);
    expect(semanticKey('completions', { model: 'm', prompt: 'say hi', prompt_logprobs: null }).eligible).toBe(true);
  });

  it('x-tollgate-semantic-threshold must be a plain decimal in [0, 1]', async () => {
    for (const bad of ['', ' ', '0x1', 'abc', '1e-1', '1.5']) {
      const r = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-unseen-a', 'x-tollgate-semantic-threshold': bad },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `threshold check ${bad}` }] }),
      });
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    const ok = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-unseen-a', 'x-tollgate-semantic-threshold': '0.9' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'threshold check ok' }] }),
    });
    expect(ok.status).toBe(200);
  });
});
