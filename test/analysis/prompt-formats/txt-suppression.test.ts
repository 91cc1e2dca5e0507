/**
 * A `.txt` prompt is sent as it is, so the "disable for this line" action must not write a comment
 * the model then reads (it wrote `<!-- tollgate-disable-next-line … -->` into the prompt). A `.txt`
 * that is visibly a Jinja or Mustache template gets that engine's comment, which rendering drops.
 */
import { Template } from '@huggingface/jinja';
import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { canDisableInFile, disableNextLineFix } from '../../../proxy/src/analysis/suppression';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const settings = { promptGlobs: ['**/prompts/**'] };
const REPEAT = 'Keep the summary to three bullet points at most.';

async function duplicate(path: string, text: string) {
  const r = await analyzeFile({ path, text }, settings);
  return r.diagnostics.filter((d) => d.ruleId === 'duplicate-text');
}

describe('suppressing a finding in a .txt prompt', () => {
  it('plain text: no edit at all, since any comment would be prompt text', async () => {
    const path = 'app/prompts/summary.txt';
    const text = lines('You summarise support tickets.', REPEAT, REPEAT, 'Ticket: {ticket}');
    const [dup] = await duplicate(path, text);
    const fix = disableNextLineFix(path, text, dup!);
    expect(applyEdits(text, fix.edits)).toBe(text);
    expect(fix.title).toMatch(/not possible/);
    expect(canDisableInFile(path, text)).toBe(false);
  });

  it('a .txt Jinja template: a Jinja comment that silences the finding and renders to the same prompt', async () => {
    const path = 'app/prompts/summary.txt';
    const text = lines('You summarise support tickets.', '{% if short %}', REPEAT, '{% endif %}', REPEAT, 'Ticket: {{ ticket }}');
    const [dup] = await duplicate(path, text);
    const fixed = applyEdits(text, disableNextLineFix(path, text, dup!).edits);
    expect(fixed).not.toContain('<!--');
    const vars = { short: true, ticket: 'T-1' };
    expect(new Template(fixed).render(vars)).toBe(new Template(text).render(vars));
    expect(await duplicate(path, fixed)).toEqual([]);
    expect(canDisableInFile(path, text)).toBe(true);
  });

  it('a .txt Mustache template: a comment line Mustache drops', async () => {
    const path = 'app/prompts/summary.txt';
    const text = lines('You summarise support tickets.', REPEAT, '{{#tickets}}', '- {{title}}', '{{/tickets}}', REPEAT);
    const [dup] = await duplicate(path, text);
    const fixed = applyEdits(text, disableNextLineFix(path, text, dup!).edits);
    const vars = { tickets: [{ title: 'Printer on fire' }] };
    expect(Mustache.render(fixed, vars)).toBe(Mustache.render(text, vars));
    expect(await duplicate(path, fixed)).toEqual([]);
  });
});
