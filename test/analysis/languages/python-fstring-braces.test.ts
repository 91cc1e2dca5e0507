/**
 * In a Python f-string `{{` and `}}` are a literal brace: f'Answer as {{"name": "{name}"}}' sends
 * `Answer as {"name": "…"}`. Read as written, the doubled braces made the JSON example a `{{ … }}`
 * template variable: counted as unknown content and left out of the token count.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const call = (content: string) =>
  `client.chat.completions.create(model="gpt-4o", max_tokens=200, messages=[{"role": "user", "content": ${content}}])`;
const py = (...contents: string[]) =>
  analyzeFile({ path: '/repo/app.py', text: ['from openai import OpenAI', 'client = OpenAI()', 'name = "Ada"', ...contents.map(call), ''].join('\n') });

describe('Python f-string doubled braces', () => {
  it('are literal braces: the JSON example is tokenised and only the interpolation is a variable', async () => {
    const r = await py(`f'Answer as {{"name": "{name}", "age": 0}} only.'`, `'Answer as {"name": "", "age": 0} only.'`);
    expect(r.calls.map((c) => c.placeholders)).toEqual([1, 0]);
    expect(r.calls[0]!.perMessage[0]!.tokens).toBe(r.calls[1]!.perMessage[0]!.tokens);
  });

  it('a raw f-string and a triple-quoted one read the same way', async () => {
    const r = await py(`rf'Answer as {{"path": "C:\\dir\\{name}"}}'`, `r'Answer as {"path": "C:\\dir\\"}'`, `f"""Answer as {{"name": "{name}"}}"""`, `'Answer as {"name": ""}'`);
    expect(r.calls.map((c) => c.placeholders)).toEqual([1, 0, 1, 0]);
    expect(r.calls[0]!.perMessage[0]!.tokens).toBe(r.calls[1]!.perMessage[0]!.tokens);
    expect(r.calls[2]!.perMessage[0]!.tokens).toBe(r.calls[3]!.perMessage[0]!.tokens);
  });

  it('a doubled-brace name stays a variable of the template the f-string builds (LangChain idiom)', async () => {
    const r = await py(`f'Context: {{context}}. Be brief, {name}.'`);
    expect(r.calls.map((c) => c.placeholders)).toEqual([2]);
  });
});
