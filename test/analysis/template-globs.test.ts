/**
 * Prompt globs name template files in the formats projects keep prompts in — Jinja (`.j2`),
 * Mustache, Dotprompt (`.prompt`, YAML front matter) — not only `.txt` / `.md`. A glob the user set
 * must not be silently ignored for them; code files stay code even when a glob matches them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { promptKindOf } from '../../proxy/src/analysis/prompt/detect';
import { analyzePaths } from '../../proxy/src/analysis/workspace/collect';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('prompt globs over template formats', () => {
  it.each(['prompts/answer.j2', 'prompts/answer.jinja', 'prompts/sum.mustache', 'prompts/card.hbs', 'flows/trip.prompt'])('%s is a prompt template when a glob names it', (path) => {
    const ext = path.slice(path.lastIndexOf('.'));
    expect(promptKindOf(path, undefined, [`**/*${ext}`])).toBe('prompt-template');
    // Not without a glob: the defaults stay .txt / .md.
    expect(promptKindOf(path)).toBeUndefined();
  });

  it('a glob matching source code does not turn code into a prompt', () => {
    expect(promptKindOf('prompts/build.py', undefined, ['**/prompts/**'])).toBeUndefined();
    expect(promptKindOf('prompts/data.json', undefined, ['**/prompts/**'])).toBeUndefined();
  });

  it('a Dotprompt file prices its body at its front-matter model', async () => {
    const text = '---\nmodel: googleai/gemini-2.0-flash\nconfig:\n  maxOutputTokens: 400\n---\nYou are a helpful travel agent. Plan a three-day trip to {{city}} with one museum a day.\n';
    const r = await analyzeFile({ path: 'flows/trip.prompt', text }, { promptGlobs: ['**/*.prompt'] });
    expect(r.kind).toBe('prompt-template');
    expect(r.model).toBe('gemini-2.0-flash');
    expect(r.calls[0]!.placeholders).toBe(1);
    expect(r.calls[0]!.inputTokens).toBeGreaterThan(10);
    expect(r.calls[0]!.inputUsd).toBeGreaterThan(0);
  });

  it('`tollgate lint --prompt-glob "**/prompts/**/*.j2"` analyses the Jinja templates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-templates-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(join(dir, 'prompts', 'answer.j2'), 'You are a support agent for {{ company }}. Answer the question: {{ question }}\n');
    const results = await analyzePaths([dir], { promptGlobs: ['**/prompts/**/*.j2'] });
    expect(results.map((r) => [r.path.slice(dir.length + 1), r.kind])).toEqual([[join('prompts', 'answer.j2'), 'prompt-template']]);
  });
});
