/**
 * SDKs with the OpenAI SDK's shape (`client.chat.completions.create`) that send to their own provider:
 * groq (`groq`, `groq-sdk`), Together (`together`, `together-ai`), Cerebras. Their calls are priced at
 * that provider's rate in genai-prices, not left unpriced or priced at another host's rate. A
 * `chat.completions.create` whose client is not visible (injected, `get_client()`, an Azure wrapper) is
 * still an OpenAI-shape call and still reported: most such clients are OpenAI's.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { unitPrices } from '../../../proxy/src/pricing/price';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe("a provider's own SDK client prices the call at that provider's rate", () => {
  it.each([
    ['/repo/g.py', lines('from groq import Groq', 'client = Groq()', 'r = client.chat.completions.create(model="llama-3.3-70b-versatile", messages=[{"role": "user", "content": "Say hi."}])')],
    [
      '/repo/g.ts',
      lines("import Groq from 'groq-sdk';", 'const groq = new Groq();', "export const r = await groq.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'Say hi.' }] });"),
    ],
  ])('groq: %s', async (path, text) => {
    const rate = unitPrices('llama-3.3-70b-versatile', 'groq')!;
    expect(rate).toBeDefined();
    const r = await analyzeFile({ path, text });
    const lens = r.calls[0]!;
    expect(lens.label).toContain('(groq)');
    expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * rate.inputPerMTok) / 1e6, 12);
    expect(lens.inputUsd).toBeGreaterThan(0);
    // Still reported: Groq generates until the model's own maximum without a limit.
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['missing-output-limit']);
  });

  it('Together: the model id as written (`meta-llama/…`) is the one Together prices', async () => {
    const text = lines(
      'from together import Together',
      'client = Together()',
      'r = client.chat.completions.create(model="meta-llama/Llama-3.3-70B-Instruct-Turbo", messages=[{"role": "user", "content": "Say hi."}], max_tokens=200)',
    );
    const rate = unitPrices('meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together')!;
    const lens = (await analyzeFile({ path: '/repo/t.py', text })).calls[0]!;
    expect(lens.label).toContain('(together)');
    expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * rate.inputPerMTok) / 1e6, 12);
    expect(lens.worstCaseOutputUsd).toBeCloseTo(lens.inputUsd + (200 * rate.outputPerMTok) / 1e6, 12);
  });

  it('an OpenAI client, and a client whose origin is not visible, keep the model maker’s rate and are still reported', async () => {
    for (const text of [
      lines('from openai import OpenAI', 'client = OpenAI()', 'r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Say hi."}])'),
      lines('client = get_client()', 'r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Say hi."}])'),
    ]) {
      const r = await analyzeFile({ path: '/repo/o.py', text });
      const rate = unitPrices('gpt-4o')!;
      expect(r.calls[0]!.label).not.toContain('(');
      expect(r.calls[0]!.inputUsd).toBeCloseTo((r.calls[0]!.inputTokens * rate.inputPerMTok) / 1e6, 12);
      expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['missing-output-limit']);
    }
  });
});

describe('an OpenAI client pointed at a provider by a literal base URL is priced at that provider’s rate', () => {
  it.each([
    [
      '/repo/b.py',
      lines(
        'from openai import OpenAI',
        'client = OpenAI(',
        '    base_url="https://api.groq.com/openai/v1",',
        '    api_key=os.environ["GROQ_API_KEY"],',
        ')',
        'r = client.chat.completions.create(model="llama-3.3-70b-versatile", messages=[{"role": "user", "content": "Say hi."}])',
      ),
    ],
    [
      '/repo/b.ts',
      lines(
        "import OpenAI from 'openai';",
        "const client = new OpenAI({ baseURL: 'https://api.groq.com/openai/v1', apiKey: process.env.GROQ_API_KEY });",
        "export const r = await client.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'Say hi.' }] });",
      ),
    ],
  ])('groq base URL: %s', async (path, text) => {
    const rate = unitPrices('llama-3.3-70b-versatile', 'groq')!;
    const r = await analyzeFile({ path, text });
    const lens = r.calls[0]!;
    expect(lens.label).toContain('(groq)');
    expect(lens.inputUsd).toBeGreaterThan(0);
    expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * rate.inputPerMTok) / 1e6, 12);
    // Groq's compatible endpoint takes max_tokens.
    expect(r.diagnostics[0]!.fixes[0]!.edits[0]!.newText).toContain('max_tokens');
  });

  it('api.openai.com and a local server keep the model maker’s rate', async () => {
    for (const url of ['https://api.openai.com/v1', 'http://localhost:8000/v1']) {
      const text = lines('from openai import OpenAI', `client = OpenAI(base_url="${url}")`, 'r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Say hi."}])');
      const lens = (await analyzeFile({ path: '/repo/o.py', text })).calls[0]!;
      expect(lens.label).not.toContain('(');
      expect(lens.inputUsd).toBeCloseTo((lens.inputTokens * unitPrices('gpt-4o')!.inputPerMTok) / 1e6, 12);
    }
  });
});
