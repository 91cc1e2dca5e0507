/**
 * Template comments are dropped when the engine renders the prompt: `{# … #}` in Jinja and Prompty
 * bodies, `{{! … }}` / `{{!-- … --}}` in Mustache and Handlebars (a comment alone on its line goes
 * with its line). They were counted as prompt tokens (or as "placeholders"), and text inside them
 * was linted as if the model read it.
 */
import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { stripPlaceholders } from '../../../proxy/src/analysis/cost/lens';
import { countTextTokens } from '../../../proxy/src/tokens/count';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const settings = { promptGlobs: ['**/prompts/**'] };
const NOTE = 'Maintainer note: rendered by the summariser service; keep the variables in sync with summarise.py before renaming anything.';
const count = (t: string) => countTextTokens(stripPlaceholders(t).text, 'gpt-4o-mini').tokens;

describe('template comments are not prompt tokens', () => {
  it('Jinja {# #}: the lens counts the text without the comment', async () => {
    const body = lines('You summarise support tickets for the on-call engineer.', '{% if urgent %}', 'Start with the word URGENT.', '{% endif %}', 'Ticket: {{ ticket }}');
    const text = `{# ${NOTE} #}\n${body}`;
    const r = await analyzeFile({ path: 'app/prompts/summary.j2', text }, settings);
    // What Jinja renders: the comment goes, its line break stays.
    expect(r.calls[0]!.inputTokens).toBe(count(`\n${body}`));
    expect(r.calls[0]!.placeholders).toBe(1);
  });

  it('Handlebars {{!-- --}} and Mustache {{! }}: neither tokens nor placeholders', async () => {
    const text = lines(`{{!-- ${NOTE} --}}`, 'You summarise support tickets for the on-call engineer.', `Ticket: {{ticket}} {{! ${NOTE} }}`);
    const r = await analyzeFile({ path: 'app/prompts/summary.mustache', text }, settings);
    const rendered = Mustache.render(text, {}); // {{ticket}} renders empty
    expect(r.calls[0]!.inputTokens).toBe(countTextTokens(rendered, 'gpt-4o-mini').tokens);
    expect(r.calls[0]!.placeholders).toBe(1);
  });

  it('Prompty bodies: a commented-out instruction is not a repeat; a real repeat after a comment still is, with a fix that deletes the right line', async () => {
    const text = lines(
      '---',
      'model:',
      '  configuration:',
      '    name: gpt-4o-mini',
      '  parameters:',
      '    max_tokens: 200',
      '---',
      'system:',
      '{# Old wording, kept for reference: Always answer in formal British English please. #}',
      'Always answer in formal British English please.',
      '{# reviewed 2026-11 #}',
      'Keep every answer under one hundred words.',
      'Keep every answer under one hundred words.',
      '',
      'user:',
      '{{question}}',
    );
    const r = await analyzeFile({ path: 'bot.prompty', text });
    const dup = r.diagnostics.filter((d) => d.ruleId === 'duplicate-text');
    expect(dup.map((d) => d.range.start.line)).toEqual([12]);
    // "please" only once: the commented copy is not sent.
    expect(r.diagnostics.filter((d) => d.ruleId === 'politeness').map((d) => d.range.start.line)).toEqual([9]);
    const fixed = applyEdits(text, dup[0]!.fixes[0]!.edits);
    expect(fixed).toBe(text.replace('Keep every answer under one hundred words.\n', ''));
  });

  it('Prompty: role lines inside a multi-line comment start no turn', async () => {
    const head = lines('---', 'model:', '  configuration:', '    name: gpt-4o-mini', '  parameters:', '    max_tokens: 200', '---');
    const system = lines('system:', 'You answer questions about train times.');
    const comment = lines('{#', 'user:', 'When is the next train to Leeds?', 'assistant:', 'The next train leaves at 10:15.', '#}');
    const user = lines('user:', '{{question}}');
    const r = await analyzeFile({ path: 'trains.prompty', text: head + system + comment + user });
    const plain = await analyzeFile({ path: 'trains.prompty', text: head + system + user });
    expect(r.calls[0]!.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
    // Jinja leaves the comment's line break: at most that differs from the file without the comment.
    expect(r.calls[0]!.inputTokens - plain.calls[0]!.inputTokens).toBeLessThanOrEqual(1);
  });

  it('a {# #} in a plain Markdown prompt file is sent as written and still counted', async () => {
    const text = lines('Use the {# marker #} in examples.', 'Answer briefly.');
    const r = await analyzeFile({ path: 'review.prompt.md', text });
    expect(r.calls[0]!.perMessage[0]!.tokens).toBeGreaterThan(count(lines('Use the  in examples.', 'Answer briefly.')));
  });
});
