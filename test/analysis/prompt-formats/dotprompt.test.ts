/**
 * Google Dotprompt `.prompt` files (YAML front matter + Handlebars body) under a prompt glob: the
 * front matter's `config.maxOutputTokens` is the request's output limit, so the lens shows the worst
 * case and a prompt that asks for a long answer is bounded — it was ignored.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const settings = { promptGlobs: ['**/prompts/**/*.prompt'] };

const recipe = (config: string[]) =>
  lines(
    '---',
    'model: googleai/gemini-2.0-flash',
    ...config,
    'input:',
    '  schema:',
    '    dish: string',
    '---',
    '{{role "system"}}',
    'You are a kitchen assistant. List all the steps in as much detail as possible.',
    '{{! reviewed by the food team }}',
    '{{role "user"}}',
    'Write a recipe for {{dish}}.',
  );

describe('Dotprompt front matter', () => {
  it('reads config.maxOutputTokens as the output limit', async () => {
    const r = await analyzeFile({ path: 'src/prompts/recipe.prompt', text: recipe(['config:', '  temperature: 0.4', '  maxOutputTokens: 400']) }, settings);
    expect(r.model).toBe('gemini-2.0-flash');
    const lens = r.calls[0]!;
    expect(lens.label).toMatch(/with 400 output/);
    expect(lens.worstCaseOutputUsd).toBeGreaterThan(lens.inputUsd);
    // Bounded by the limit: "list all" is not unbounded output.
    expect(r.diagnostics.filter((d) => d.ruleId === 'unbounded-output')).toEqual([]);
  });

  it('without the limit the phrase is still reported', async () => {
    const r = await analyzeFile({ path: 'src/prompts/recipe.prompt', text: recipe(['config:', '  temperature: 0.4']) }, settings);
    expect(r.calls[0]!.worstCaseOutputUsd).toBeUndefined();
    expect(r.diagnostics.some((d) => d.ruleId === 'unbounded-output')).toBe(true);
  });
});
