/**
 * `dspy.LM(model)` without max_tokens sends none from DSPy 3.0.4 on; before, DSPy sent its own
 * default — 1,000 (2.5.0–2.6.23), then 4,000 (2.6.24–3.0.3), per dspy/clients/lm.py at each tag.
 * A project whose files pin DSPy below 3.0.4 (a lock file, requirements*.txt, pyproject.toml — PEP 621
 * or Poetry —, setup.cfg, Pipfile; `dspy` or its old name `dspy-ai`) is bounded by that default and
 * gets no finding; any pin that allows 3.0.4 or later, or none, keeps it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPythonCalls } from '../../../proxy/src/analysis/code/python-calls';
import { allBefore, ceilingOf, parseVersion } from '../../../proxy/src/analysis/code/python-pins';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const APP = ['import dspy', '', 'lm = dspy.LM("openai/gpt-4o-mini")', 'dspy.configure(lm=lm)', 'qa = dspy.Predict("question -> answer")', ''].join('\n');
const root = mkdtempSync(join(tmpdir(), 'tollgate-dspy-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A project with these files (path → text) and the app at `app` (default app.py); the app's path. */
function project(files: Record<string, string>, app = 'app.py'): string {
  const dir = join(root, `p${n++}`);
  for (const [rel, text] of Object.entries({ ...files, [app]: APP })) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return join(dir, app);
}

async function judged(path: string, text = APP): Promise<{ flagged: boolean; outputLimit: number | undefined }> {
  const r = await analyzeFile({ path, text });
  const calls = await findPythonCalls(text, undefined, path);
  return { flagged: r.diagnostics.some((d) => d.ruleId === 'missing-output-limit'), outputLimit: calls[0]?.outputLimit };
}

describe('dspy.LM without max_tokens, by the DSPy version the project pins', () => {
  it('a pin below 3.0.4 is bounded by that version’s default (1,000 or 4,000); the worst case over the range counts', async () => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ 'requirements.txt': 'numpy\ndspy==2.6.10  # pinned\n' }, 1000],
      [{ 'requirements-dev.txt': 'DSPy_AI[anthropic] >=2.4, <3 ; python_version >= "3.9"\n' }, 4000],
      [{ 'pyproject.toml': '[project]\nname = "qa"\ndependencies = [\n  "httpx",\n  "dspy>=2.5,<2.6.24",\n]\n' }, 1000],
      [{ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.11"\ndspy = "^2.6"\n' }, 4000],
      [{ 'pyproject.toml': '[tool.poetry.dependencies]\ndspy = { version = "~2.6.3", extras = ["anthropic"] }\n' }, 4000],
      [{ 'setup.cfg': '[options]\ninstall_requires =\n    requests\n    dspy~=2.5.0\n' }, 1000],
      [{ Pipfile: '[packages]\ndspy-ai = "==2.5.43"\n' }, 1000],
      [{ 'requirements.txt': 'dspy<3.0.4\n' }, 4000],
      // The lock file says what is installed, whatever the declaration allows.
      [{ 'pyproject.toml': '[project]\ndependencies = ["dspy>=2.5"]\n', 'uv.lock': 'version = 1\n\n[[package]]\nname = "dspy"\nversion = "2.6.27"\nsource = { registry = "https://pypi.org/simple" }\n' }, 4000],
      // Found from a file deeper in the project.
      [{ 'requirements.txt': 'dspy==2.6.0\n' }, 1000],
    ];
    for (const [i, [files, limit]] of cases.entries()) {
      const path = i === cases.length - 1 ? project(files, 'src/qa/app.py') : project(files);
      expect(await judged(path), JSON.stringify(files)).toEqual({ flagged: false, outputLimit: limit });
    }
  });

  it('keeps the finding when the pin allows 3.0.4 or later, sets no ceiling, or is absent', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      { 'requirements.txt': 'dspy\n' },
      { 'requirements.txt': 'dspy>=2.5\n' },
      { 'requirements.txt': 'dspy<3.1\n' },
      { 'requirements.txt': 'dspy==3.0.4\n' },
      { 'requirements.txt': 'dspy==3.0.4b2\n' },
      { 'pyproject.toml': '[tool.poetry.dependencies]\ndspy = "^3.0"\n' },
      { 'poetry.lock': '[[package]]\nname = "dspy"\nversion = "3.1.2"\n', 'requirements.txt': 'dspy<3\n' },
      // Two requirement files: the project may install what the looser one allows.
      { 'requirements.txt': 'dspy==2.6.0\n', 'requirements-latest.txt': 'dspy\n' },
      // Another package whose name starts the same.
      { 'requirements.txt': 'dspy-helpers==0.1\n' },
    ];
    for (const files of cases) expect((await judged(project(files))).flagged, JSON.stringify(files)).toBe(true);
  });

  it('max_tokens=None written out sends no limit in every version: still a finding', async () => {
    const text = APP.replace('dspy.LM("openai/gpt-4o-mini")', 'dspy.LM("openai/gpt-4o-mini", max_tokens=None)');
    expect((await judged(project({ 'requirements.txt': 'dspy==2.6.10\n' }), text)).flagged).toBe(true);
  });

  it('reads PEP 440 and Poetry ceilings', () => {
    const c = (s: string) => {
      const x = ceilingOf(s);
      return x ? `${x.inclusive ? '<=' : '<'}${x.version.release.join('.')}${x.version.pre ? ['a', 'b', 'rc'][x.version.pre.kind]! + x.version.pre.n : ''}` : undefined;
    };
    expect([c('>=2.5,<3'), c('==2.6.*'), c('~=2.6.1'), c('~=2.6'), c('^2.6'), c('^0.4'), c('~2.6'), c('2.6.10'), c('>=2.5'), c('*'), c('^2 || ^3'), c('<=3.0.4b1')]).toEqual([
      '<3',
      '<2.7',
      '<2.7',
      '<3',
      '<3',
      '<0.5',
      '<2.7',
      '<=2.6.10',
      undefined,
      undefined,
      undefined,
      '<=3.0.4b1',
    ]);
    const first = parseVersion('3.0.4b2')!;
    expect([ceilingOf('<3.0.4')!, ceilingOf('==3.0.4b1')!, ceilingOf('==3.0.4b2')!, ceilingOf('<3.0.5')!].map((x) => allBefore(x, first))).toEqual([true, true, false, false]);
  });
});
