/**
 * A Jinja `{% raw %}…{% endraw %}` block sends its body as written: a `{{ name }}` shown there (a
 * prompt teaching the template syntax) is text, not a variable. Read as one, it was priced as
 * unknown content and reported as a variable ahead of the static text (cache-hostile-order).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const rules = Array.from({ length: 150 }, (_, i) => `Rule ${i + 1}: check the ${['naming', 'spacing', 'imports', 'errors', 'tests'][i % 5]} of module ${i * 7 + 3} against the guide.`);
const analyse = (...head: string[]) =>
  analyzeFile({ path: '/repo/prompts/writer.jinja2', text: [...head, ...rules, ''].join('\n') }, { promptGlobs: ['**/prompts/**/*.jinja2'] });

describe('Jinja raw blocks', () => {
  it('a {{ variable }} shown inside {% raw %} is text: no placeholder, no cache-order finding', async () => {
    const r = await analyse('You write Jinja templates. Show variables as in this sample:', '{%- raw %}', 'Hello {{ customer_name }}!', '{% endraw -%}');
    expect(r.diagnostics.filter((d) => d.ruleId === 'cache-hostile-order')).toEqual([]);
    expect(r.calls.map((c) => c.placeholders)).toEqual([0]);
  });

  it('the same variable outside the block is one, and so is one after it', async () => {
    const outside = await analyse('Hello {{ customer_name }}!');
    expect(outside.diagnostics.map((d) => d.ruleId)).toEqual(['cache-hostile-order']);
    const after = await analyse('{% raw %}Write {{ x }} as is.{% endraw %} Answer {{ question }}.');
    expect(after.calls.map((c) => c.placeholders)).toEqual([1]);
    expect(after.diagnostics[0]!.message).toMatch(/^\{\{ question \}\} comes before/);
  });
});
