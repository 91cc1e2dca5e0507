/**
 * The "disable for this line" quick fix must not change the prompt: inside a YAML block scalar a
 * `#` line is prompt text, and in a Jinja/Prompty/Handlebars/Mustache template an HTML comment is
 * sent to the model. Each fix must silence the finding (in LF and CRLF files) and leave the prompt
 * the model receives — the parsed YAML string, the rendered template — exactly as it was.
 */
import { Template } from '@huggingface/jinja';
import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { disableNextLineFix } from '../../../proxy/src/analysis/suppression';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const settings = { promptGlobs: ['**/prompts/**'] };

const githubPrompt = lines(
  'model: openai/gpt-4o-mini',
  'modelParameters:',
  '  maxTokens: 500',
  'messages:',
  '  - role: system',
  '    content: |',
  '      You review pull requests for a Go service.',
  '      Always cite the file and line of every problem.',
  '      Always cite the file and line of every problem.',
  '  - role: user',
  '    content: "{{diff}}"',
);

const promptfoo = lines(
  'prompts:',
  '  - |',
  '    You are a terse assistant for a hardware store.',
  '    Answer stock questions with a number and a shelf location.',
  '    Answer stock questions with a number and a shelf location.',
  '    Question: {{question}}',
  'providers:',
  '  - id: openai:gpt-4o-mini',
  '    config:',
  '      max_tokens: 200',
);

const jinja = lines(
  'You are a helpful travel agent.',
  '{% for item in itinerary -%}',
  '  - {{ item.city }}   ({{ item.days }} days)',
  '{% endfor -%}',
  'Answer in {{ language }}.',
);

const mustache = lines('Hello {{name}}, welcome back.', '{{#orders}}', '  * Order {{id}}:   {{total}}', '{{/orders}}', 'Keep replies short.');

const prompty = lines(
  '---',
  'name: barista',
  'model:',
  '  api: chat',
  '  configuration:',
  '    type: openai',
  '    name: gpt-4o-mini',
  '  parameters:',
  '    max_tokens: 300',
  '---',
  'system:',
  'You are a friendly barista bot.',
  'Recommend one drink per answer.',
  'Recommend one drink per answer.',
  '',
  'user:',
  '{{question}}',
);

const vars = { itinerary: [{ city: 'Lyon', days: 2 }], language: 'French', name: 'Ada', orders: [{ id: 7, total: 12 }], question: 'Latte?' };
const yamlPrompts = (t: string): unknown => {
  const y = parse(t) as { messages?: Array<{ content: string }>; prompts?: string[] };
  return y.messages?.map((m) => m.content) ?? y.prompts;
};
const renderJinja = (t: string) => new Template(t).render(vars);

const cases: Array<[string, string, (t: string) => unknown]> = [
  ['prompts/review.prompt.yml', githubPrompt, yamlPrompts],
  ['promptfooconfig.yaml', promptfoo, yamlPrompts],
  ['prompts/agent.j2', jinja, renderJinja],
  ['prompts/greet.mustache', mustache, (t) => Mustache.render(t, vars)],
  ['prompts/barista.prompty', prompty, (t) => renderJinja(t.slice(t.indexOf('---', 3) + 4))],
];

describe('the disable quick fix leaves the prompt as it was', () => {
  for (const eol of ['\n', '\r\n']) {
    it.each(cases)(`%s (${eol === '\n' ? 'LF' : 'CRLF'})`, async (path, lf, prompt) => {
      const text = lf.replace(/\n/g, eol);
      const r = await analyzeFile({ path, text }, settings);
      const body = r.diagnostics.filter((d) => d.ruleId === 'duplicate-text' || d.ruleId === 'wasteful-formatting');
      expect(body.length).toBeGreaterThan(0);
      for (const d of body) {
        const fixed = applyEdits(text, disableNextLineFix(path, text, d).edits);
        expect(prompt(fixed.replace(/\r\n/g, '\n'))).toEqual(prompt(lf));
        const again = await analyzeFile({ path, text: fixed }, settings);
        expect(again.diagnostics.filter((x) => x.ruleId === d.ruleId && x.range.start.line >= d.range.start.line)).toEqual([]);
      }
    });
  }

  it('keeps the next-line comment where a comment is not prompt text (a YAML key, a Markdown body)', () => {
    const yml = disableNextLineFix('a.prompt.yml', githubPrompt, { ruleId: 'x', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } } });
    expect(yml).toMatchObject({ title: 'Disable x for this line', edits: [{ newText: '# tollgate-disable-next-line x\n' }] });
    const md = disableNextLineFix('prompts/a.md', 'Hi.\n  - Please list it.\n', { ruleId: 'politeness', range: { start: { line: 1, character: 4 }, end: { line: 1, character: 10 } } });
    expect(md.edits[0]!.newText).toBe('  <!-- tollgate-disable-next-line politeness -->\n');
  });
});
