/**
 * `const create = client.chat.completions.create.bind(client.chat.completions)` then `create({…})`:
 * the bound method is the SDK call, and its fix must use that API's spelling (checked against
 * openai's ChatCompletionCreateParamsBase / ResponseCreateParamsBase and @anthropic-ai/sdk's
 * MessageCreateParamsBase, where max_tokens is required).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

describe('a bound SDK method called by its alias', () => {
  it('reports and fixes OpenAI chat, Responses and Anthropic calls through .bind aliases', async () => {
    const text = [
      "import OpenAI from 'openai';",
      "import Anthropic from '@anthropic-ai/sdk';",
      'const client = new OpenAI();',
      'const anthropic = new Anthropic();',
      'const create = client.chat.completions.create.bind(client.chat.completions);',
      'const respond = client.responses.create.bind(client.responses);',
      'const send = anthropic.messages.create.bind(anthropic.messages);',
      "export const a = create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });",
      "export const b = respond({ model: 'gpt-4o', input: 'x' });",
      "export const c = send({ model: 'claude-3-5-haiku-latest', messages: [] });",
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'bound.ts', text });
    const byLine = r.diagnostics.map((d) => [d.range.start.line, d.ruleId, d.fixes[0] && applyEdits(text, d.fixes[0].edits).split('\n')[d.range.start.line]]);
    expect(byLine).toEqual([
      [7, 'missing-output-limit', "export const a = create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 1024 });"],
      [8, 'missing-output-limit', "export const b = respond({ model: 'gpt-4o', input: 'x', max_output_tokens: 1024 });"],
      [9, 'anthropic-missing-max-tokens', "export const c = send({ model: 'claude-3-5-haiku-latest', messages: [], max_tokens: 1024 });"],
    ]);
    // The prompt is counted at the alias's call too.
    expect(r.calls.map((c) => c.model)).toEqual(['gpt-4o', 'gpt-4o', 'claude-3-5-haiku-latest']);
  });

  it('leaves a bound alias that already sets a limit, and a bound non-SDK function, alone', async () => {
    const text = [
      "import OpenAI from 'openai';",
      'const client = new OpenAI();',
      'const create = client.chat.completions.create.bind(client.chat.completions);',
      'const log = console.log.bind(console);',
      "export const a = create({ model: 'gpt-4o', messages: [], max_completion_tokens: 300 });",
      "log({ model: 'gpt-4o' });",
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'bound.ts', text });
    expect(r.diagnostics).toEqual([]);
    expect(r.calls).toHaveLength(1);
  });
});
