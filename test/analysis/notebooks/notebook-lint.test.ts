/**
 * `tollgate lint` on Jupyter notebooks: the Python cells read as one program (a client or a constant
 * from an earlier cell counts), IPython syntax does not disturb the parser, findings point into the
 * .ipynb file (SARIF regions, JSON output) and say their cell and line, and a fix keeps the notebook
 * valid nbformat JSON.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile, type FileAnalysis } from '../../../proxy/src/analysis/index';
import { pythonOfCell } from '../../../proxy/src/analysis/code/notebook';
import { toSarif } from '../../../proxy/src/analysis/report/sarif';
import { LineIndex } from '../../../proxy/src/analysis/text/line-index';
import { analyzePaths, collectFiles } from '../../../proxy/src/analysis/workspace/collect';
import { applyEdits } from '../support';
import { CASES, notebook } from './corpus';

const dir = mkdtempSync(join(tmpdir(), 'tollgate notebooks '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `cell:line:rule` of each finding, from the cell and line its message names. */
function keys(a: FileAnalysis): string[] {
  return a.diagnostics.map((d) => {
    const m = /\(cell (\d+), line (\d+)\)$/.exec(d.message);
    return m ? `${m[1]}:${m[2]}:${d.ruleId}` : `?:${d.ruleId}`;
  });
}

const byName = (name: string) => CASES.find((c) => c.name === name)!;
const analyse = (name: string, json: string) => analyzeFile({ path: join(dir, name), text: json });
const slice = (text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
  const idx = new LineIndex(text);
  return text.slice(idx.offsetAt(r.start), idx.offsetAt(r.end));
};

describe('notebooks in tollgate lint', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: the calls and findings a reader expects', async (_name, c) => {
    const a = await analyse(c.name, c.json);
    expect(keys(a).sort()).toEqual([...c.expected].sort());
    expect(a.calls).toHaveLength(c.calls);
  });

  it('a finding marks the call in the .ipynb text, and the model and prompt come from earlier cells', async () => {
    const c = byName('openai_quickstart.ipynb');
    const a = await analyse(c.name, c.json);
    expect(slice(c.json, a.diagnostics[0]!.range)).toBe('client.chat.completions.create');
    const lens = a.calls.find((l) => slice(c.json, l.range) === 'client.chat.completions.create' && l.worstCaseOutputUsd === undefined)!;
    expect(lens.model).toBe('gpt-4o-mini');
    expect(lens.unseen).toBeUndefined();
    // The system prompt is the triple-quoted constant of cell 4, its `!`/`%` lines included.
    const system = lens.perMessage.find((m) => m.role === 'system')!;
    // The range runs over several list items (lines) of the cell's source.
    const written = slice(c.json, system.range).replace(/",\n\s*"/g, '');
    expect(JSON.parse(`"${written}"`)).toContain('!Important: answer in one sentence.\n% of the answer');
  });

  it('positions hold in a notebook written with \\u escapes (json.dump ensure_ascii)', async () => {
    const c = byName('gemini_intro.ipynb');
    expect(c.json).toContain('\\u2615');
    const a = await analyse(c.name, c.json);
    expect(slice(c.json, a.diagnostics[0]!.range)).toBe('client.models.generate_content');
  });

  it.each(['openai_quickstart.ipynb', 'claude_eval.ipynb'])('%s: the fix gives valid notebook JSON that lints clean', async (name) => {
    const c = byName(name);
    const a = await analyse(name, c.json);
    const fix = a.diagnostics[0]!.fixes[0]!;
    expect(fix.title).toMatch(/^Add max_(completion_)?tokens=/);
    const fixed = applyEdits(c.json, fix.edits);
    const nb = JSON.parse(fixed) as { cells: Array<{ source: string | string[] }> };
    for (const cell of nb.cells)
      if (Array.isArray(cell.source)) {
        // Jupyter's form: one line per item, each but the last ending with its line break.
        for (const line of cell.source.slice(0, -1)) expect(line).toMatch(/\n$/);
        for (const line of cell.source) expect(line.slice(0, -1)).not.toContain('\n');
      }
    const sources = nb.cells.map((x) => (Array.isArray(x.source) ? x.source.join('') : x.source));
    expect(sources.join('\n')).toMatch(/\n {4}max_(completion_)?tokens=\d+,?\n\)/);
    expect((await analyse(name, fixed)).diagnostics).toEqual([]);
  });

  it('IPython lines are blanked at the same length; prompt lines that start with ! or % are kept', () => {
    const src = '%pip install openai\nfiles = !ls data\nx?\n!echo "it\'s"\nP = """\n!keep\n% keep\n"""\nf(\n    1,\n)';
    const py = pythonOfCell(src);
    expect(py).toHaveLength(src.length);
    expect(py.split('\n')).toEqual([' '.repeat(19), 'files = 0       ', 'x ', ' '.repeat(12), 'P = """', '!keep', '% keep', '"""', 'f(', '    1,', ')']);
    expect(pythonOfCell('%%bash\necho hi')).toBe('      \n       ');
    expect(pythonOfCell('%%time\nx = 1')).toBe('      \nx = 1');
  });

  it('a %%bash cell with a stray quote does not hide the model constant of a later cell', async () => {
    const json = notebook([
      { code: '%%bash\necho "it\'s"\nfor f in *.csv; do wc -l "$f"; done' },
      { code: 'from openai import OpenAI\nclient = OpenAI()\nMODEL = "gpt-4o-mini"' },
      { code: 'client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])' },
    ]);
    const a = await analyse('bash.ipynb', json);
    expect(a.calls.map((l) => l.model)).toEqual(['gpt-4o-mini']);
  });

  it.each([
    ['an unclosed bracket', 'df = pd.DataFrame({"a": [1, 2]\n'],
    ['an unclosed triple-quoted string', 'NOTES = """draft\n'],
    ['a Databricks %sql cell', '%sql\nSELECT model, count(*) FROM calls GROUP BY model'],
  ])('a cell with %s (a SyntaxError: the kernel runs none of it) does not swallow the next cell’s call', async (_what, broken) => {
    const json = notebook([
      { code: 'from openai import OpenAI\nclient = OpenAI()\nMODEL = "gpt-4o-mini"' },
      { code: broken },
      { code: 'r = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])' },
    ]);
    const a = await analyse('broken.ipynb', json);
    expect(keys(a)).toEqual(['3:1:missing-output-limit']);
    expect(a.calls.map((l) => l.model)).toEqual(['gpt-4o-mini']);
  });

  it('a statement after %time / %timeit is analysed', async () => {
    const json = notebook([
      { code: 'from openai import OpenAI\nclient = OpenAI()' },
      { code: '%time r = client.chat.completions.create(model="gpt-4o", messages=[])' },
      { code: '%timeit -n 1 -r 1 client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=5)' },
    ]);
    const a = await analyse('timed.ipynb', json);
    expect(keys(a)).toEqual(['2:1:missing-output-limit']);
    expect(a.calls).toHaveLength(2);
    expect(slice(json, a.diagnostics[0]!.range)).toBe('client.chat.completions.create');
  });

  it('lint walks into .ipynb files (not checkpoints), reads a notebook with large outputs, and SARIF fixes apply to the file', async () => {
    const root = join(dir, 'repo');
    mkdirSync(join(root, '.ipynb_checkpoints'), { recursive: true });
    const c = byName('claude_eval.ipynb');
    writeFileSync(join(root, c.name), c.json);
    writeFileSync(join(root, '.ipynb_checkpoints', 'claude_eval-checkpoint.ipynb'), c.json);
    // 3 MB of plot output around the same cells.
    const big = notebook([
      { code: 'import anthropic\nclient = anthropic.Anthropic()', outputs: [{ data: { 'image/png': 'A'.repeat(3_000_000) }, metadata: {}, output_type: 'display_data' }] },
      { code: 'client.messages.create(model="claude-3-5-haiku-latest", messages=[])' },
    ]);
    writeFileSync(join(root, 'plots.ipynb'), big);
    expect(collectFiles([root]).map((p) => p.slice(root.length + 1)).sort()).toEqual(['claude_eval.ipynb', 'plots.ipynb']);
    const skipped: string[] = [];
    const results = await analyzePaths([root], {}, { onSkip: (s) => skipped.push(s.path) });
    expect(skipped).toEqual([]);
    expect(results.map((r) => keys(r)).sort()).toEqual([['2:1:anthropic-missing-max-tokens'], ['6:1:anthropic-missing-max-tokens']]);
    const sarif = toSarif(results, root);
    const result = sarif.runs[0]!.results.find((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'claude_eval.ipynb')!;
    const region = result.locations[0]!.physicalLocation.region;
    expect(c.json.split('\n')[region.startLine - 1]!.slice(region.startColumn - 1)).toMatch(/^client\.messages\.create\(/);
    const rep = result.fixes![0]!.artifactChanges[0]!.replacements[0]!;
    const fixed = c.json.slice(0, rep.deletedRegion.charOffset) + rep.insertedContent.text + c.json.slice(rep.deletedRegion.charOffset + rep.deletedRegion.charLength);
    expect(() => JSON.parse(fixed)).not.toThrow();
    expect((await analyse(c.name, fixed)).diagnostics).toEqual([]);
  });

  it('a file that is not notebook JSON (a merge conflict) is left alone, without an error', async () => {
    const a = await analyse('conflict.ipynb', '<<<<<<< HEAD\n{"cells": []}\n=======\n{}\n>>>>>>> branch\n');
    expect(a).toEqual({ kind: 'unknown', calls: [], diagnostics: [] });
  });
});
