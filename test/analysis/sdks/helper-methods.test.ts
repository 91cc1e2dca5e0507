/**
 * The SDKs' helper methods that send Messages / Chat Completions requests with the same params:
 * @anthropic-ai/sdk's `beta.messages.parse` and `beta.messages.toolRunner` (BetaToolRunnerParams is
 * MessageCreateParams with runnable tools, max_tokens required), anthropic-python's
 * `beta.messages.parse` / `beta.messages.tool_runner`, and openai-node's `chat.completions.runTools`
 * (ChatCompletionCreateParams without tools, one request per tool round). Each is read as the call
 * it wraps: a finding without a limit, and a fix that parses and leaves nothing to report.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits, pythonHasErrors, tsSyntaxErrors } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('SDK helper methods read as the call they wrap', () => {
  it('TypeScript: beta.messages.parse / toolRunner and chat.completions.runTools', async () => {
    const text = lines(
      "import OpenAI from 'openai';",
      "import Anthropic from '@anthropic-ai/sdk';",
      'const openai = new OpenAI();',
      'const anthropic = new Anthropic();',
      "export const a = anthropic.beta.messages.parse({ model: 'claude-sonnet-4-5', messages: [] });",
      "export const b = anthropic.beta.messages.toolRunner({ model: 'claude-sonnet-4-5', messages: [], tools: [] });",
      "export const c = openai.chat.completions.runTools({ model: 'gpt-4o', messages: [], tools: [] });",
      'const beta = anthropic.beta.messages;',
      "export const d = beta.toolRunner({ model: 'claude-sonnet-4-5', messages: [], tools: [] });",
    );
    const r = await analyzeFile({ path: '/repo/agent.ts', text });
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([
      [4, 'anthropic-missing-max-tokens'],
      [5, 'anthropic-missing-max-tokens'],
      [6, 'missing-output-limit'],
      [8, 'anthropic-missing-max-tokens'],
    ]);
    expect(r.calls.map((c) => c.model)).toEqual(['claude-sonnet-4-5', 'claude-sonnet-4-5', 'gpt-4o', 'claude-sonnet-4-5']);
    const fixed = applyEdits(
      text,
      r.diagnostics.flatMap((d) => d.fixes[0]!.edits),
    );
    expect(fixed.split('\n')[6]).toBe("export const c = openai.chat.completions.runTools({ model: 'gpt-4o', messages: [], tools: [], max_completion_tokens: 1024 });");
    expect(tsSyntaxErrors('agent.ts', fixed)).toBe(0);
    expect((await analyzeFile({ path: '/repo/agent.ts', text: fixed })).diagnostics).toEqual([]);
  });

  it('Python: beta.messages.parse and beta.messages.tool_runner', async () => {
    const text = lines(
      'import anthropic',
      'client = anthropic.Anthropic()',
      'a = client.beta.messages.parse(model="claude-sonnet-4-5", messages=[], output_format=Answer)',
      'b = client.beta.messages.tool_runner(model="claude-sonnet-4-5", messages=[], tools=[lookup])',
    );
    const r = await analyzeFile({ path: '/repo/agent.py', text });
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([
      [2, 'anthropic-missing-max-tokens'],
      [3, 'anthropic-missing-max-tokens'],
    ]);
    const fixed = applyEdits(
      text,
      r.diagnostics.flatMap((d) => d.fixes[0]!.edits),
    );
    expect(fixed.split('\n')[3]).toBe('b = client.beta.messages.tool_runner(model="claude-sonnet-4-5", messages=[], tools=[lookup], max_tokens=1024)');
    expect(await pythonHasErrors(fixed)).toBe(false);
    expect((await analyzeFile({ path: '/repo/agent.py', text: fixed })).diagnostics).toEqual([]);
  });

  it('messages.parse on the client itself (structured output out of beta), Python and TypeScript', async () => {
    const py = lines(
      'import anthropic',
      'client = anthropic.AsyncAnthropic()',
      'async def answer():',
      '    return await client.messages.parse(model="claude-sonnet-4-5", messages=[], output_format=Answer)',
    );
    const r = await analyzeFile({ path: '/repo/answer.py', text: py });
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[3, 'anthropic-missing-max-tokens']]);
    const fixed = applyEdits(py, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed.split('\n')[3]).toBe('    return await client.messages.parse(model="claude-sonnet-4-5", messages=[], output_format=Answer, max_tokens=1024)');
    expect(await pythonHasErrors(fixed)).toBe(false);
    expect((await analyzeFile({ path: '/repo/answer.py', text: fixed })).diagnostics).toEqual([]);
    const ts = lines(
      "import Anthropic from '@anthropic-ai/sdk';",
      'const client = new Anthropic();',
      "export const a = client.messages.parse({ model: 'claude-sonnet-4-5', messages: [], output_config: { format: schema } });",
    );
    const t = await analyzeFile({ path: '/repo/answer.ts', text: ts });
    expect(t.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[2, 'anthropic-missing-max-tokens']]);
    expect(t.calls.map((c) => c.model)).toEqual(['claude-sonnet-4-5']);
  });

  it('leaves a limited runner, token counting and a non-SDK parse alone', async () => {
    const text = lines(
      "import OpenAI from 'openai';",
      "import Anthropic from '@anthropic-ai/sdk';",
      'const openai = new OpenAI();',
      'const anthropic = new Anthropic();',
      "export const a = openai.chat.completions.runTools({ model: 'gpt-4o', messages: [], tools: [], max_completion_tokens: 300 });",
      "export const b = anthropic.beta.messages.toolRunner({ model: 'claude-sonnet-4-5', max_tokens: 500, messages: [], tools: [] });",
      "export const c = anthropic.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [] });",
    );
    const r = await analyzeFile({ path: '/repo/agent.ts', text });
    expect(r.diagnostics).toEqual([]);
    // Each call's worst case is priced at the limit it sets.
    expect(r.calls.map((c) => [c.model, /worst case .* with (\d+) output/.exec(c.label)?.[1]])).toEqual([
      ['gpt-4o', '300'],
      ['claude-sonnet-4-5', '500'],
    ]);
    // Without the Anthropic SDK in the file, someone else's `beta.messages.parse` is not its call.
    const other = await analyzeFile({ path: '/repo/mail.ts', text: lines("import { mailer } from './mailer';", "export const d = mailer.beta.messages.parse({ model: 'raw', messages: [] });") });
    expect([other.diagnostics, other.calls]).toEqual([[], []]);
  });
});
