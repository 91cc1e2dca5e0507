/**
 * Front matter as it arrives from editors and the web: a non-breaking space pasted after `model:`
 * made YAML read one key `model:\u00a0…` with no value, so the file was priced at the default model;
 * and a lone-CR (classic Mac) file handed straight to analyzeFile had its front matter read as prompt.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const NBSP = '\u00a0';

describe('a non-breaking space after a key', () => {
  it.each([
    ['review.prompt.md', `---\nmodel:${NBSP}claude-sonnet-4\ndescription: Review a diff\n---\nSummarise the diff in three bullets.\n`, 'claude-sonnet-4', 1],
    ['triage.prompt.yml', `model:${NBSP}openai/gpt-4.1\nmessages:\n  - role: user\n    content: Classify {{ticket}}\n`, 'gpt-4.1', 0],
    ['chat.prompty', `---\nmodel:\n  api: chat\n  configuration:\n    name:${NBSP}gpt-4.1\n  parameters:\n    max_tokens: 200\n---\nsystem:\nHi there.\n`, 'gpt-4.1', 4],
  ])('%s: prices the model it names and says where the space is', async (path, text, model, line) => {
    const r = await analyzeFile({ path, text });
    expect(r.model).toBe(model);
    expect(r.calls[0]?.inputTokens ?? 0).toBeGreaterThan(0);
    const err = r.diagnostics.filter((d) => d.ruleId === 'prompt-parse-error');
    expect(err).toHaveLength(1);
    expect(err[0]!.message).toMatch(/non-breaking space/);
    expect(err[0]!.range.start.line).toBe(line);
  });

  it('inside a | prompt it is the prompt’s own text, not a key', async () => {
    const text = `model: openai/gpt-4.1\nmodelParameters:\n  maxTokens: 100\nmessages:\n  - role: user\n    content: |\n      Note:${NBSP}keep this exact.\n`;
    const r = await analyzeFile({ path: 'n.prompt.yml', text });
    expect(r.diagnostics).toEqual([]);
  });
});

describe('lone-CR line breaks', () => {
  it('read the front matter of a classic-Mac prompt file', async () => {
    const lf = '---\nmodel: claude-sonnet-4\n---\nSummarise the diff in three bullets.\n';
    const cr = lf.replace(/\n/g, '\r');
    const [a, b] = [await analyzeFile({ path: 'x.prompt.md', text: lf }), await analyzeFile({ path: 'x.prompt.md', text: cr })];
    expect(b.model).toBe('claude-sonnet-4');
    expect(b.calls[0]!.perMessage[0]!.range.start.line).toBe(a.calls[0]!.perMessage[0]!.range.start.line);
  });
});
