/**
 * AI SDK 4 reads the output limit from `maxTokens`; 5 renamed it `maxOutputTokens` and reads only
 * that. The project's installed `ai` (or, before install, the range its package.json declares)
 * decides which spelling a fix inserts; in JavaScript, where no compiler rejects the other spelling,
 * a limit written in it is flagged as sending nothing, and the fix renames it.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aiSdkMajor, majorOfRange } from '../../../proxy/src/analysis/code/ai-sdk-version';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

const root = mkdtempSync(join(tmpdir(), 'tollgate-ai-sdk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A project folder with the given package.json dependencies and, optionally, an installed `ai`. */
function project(name: string, aiRange: string, installed?: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, dependencies: { ai: aiRange, '@ai-sdk/openai': '^1.0.0' } }));
  if (installed) {
    mkdirSync(join(dir, 'node_modules', 'ai'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'ai', 'package.json'), JSON.stringify({ name: 'ai', version: installed }));
  }
  return dir;
}

const head = ["import { openai } from '@ai-sdk/openai';", "import { generateText, streamText } from 'ai';"];

describe('AI SDK version decides the output-limit spelling', () => {
  it('a project on AI SDK 4 gets maxTokens, and its maxTokens counts', async () => {
    const dir = project('v4', '^4.3.16');
    const text = [...head, "export const a = generateText({ model: openai('gpt-4o'), prompt: 'x' });", "export const b = generateText({ model: openai('gpt-4o'), prompt: 'x', maxTokens: 100 });", ''].join('\n');
    const r = await analyzeFile({ path: join(dir, 'src', 'route.ts'), text });
    expect(r.diagnostics.map((d) => [d.range.start.line, d.fixes[0]?.title])).toEqual([[2, 'Add maxTokens: 1024']]);
  });

  it('JavaScript on AI SDK 4: maxOutputTokens is not read, and the fix renames it', async () => {
    const dir = project('v4js', '~4.1.0');
    const text = [...head, "export const a = streamText({ model: openai('gpt-4o'), prompt: 'x', maxOutputTokens: 200 });", ''].join('\n');
    const [d] = (await analyzeFile({ path: join(dir, 'src', 'route.js'), text })).diagnostics;
    expect(d!.message).toContain('AI SDK 4 does not read maxOutputTokens');
    expect(applyEdits(text, d!.fixes[0]!.edits)).toContain("prompt: 'x', maxTokens: 200 });");
  });

  it('JavaScript on AI SDK 5: maxTokens (even shorthand) is not read, and the fix renames it keeping the value', async () => {
    const dir = project('v5js', '^5.0.0');
    const text = [...head, 'const maxTokens = 300;', "export const a = generateText({ model: openai('gpt-4o'), prompt: 'x', maxTokens });", ''].join('\n');
    const [d] = (await analyzeFile({ path: join(dir, 'src', 'chat.mjs'), text })).diagnostics;
    expect(d!.message).toContain('AI SDK 5 does not read maxTokens');
    expect(applyEdits(text, d!.fixes[0]!.edits)).toContain("prompt: 'x', maxOutputTokens: maxTokens });");
    expect(d!.fixes[0]!.title).toBe('Rename maxTokens to maxOutputTokens');
  });

  it('the installed version wins over the declared range', async () => {
    // package.json already asks for 5, node_modules still has 4: 4 is what runs.
    const dir = project('installed', '^5.0.0', '4.3.19');
    const text = [...head, "export const a = generateText({ model: openai('gpt-4o'), prompt: 'x' });", ''].join('\n');
    const [d] = (await analyzeFile({ path: join(dir, 'src', 'a.ts'), text })).diagnostics;
    expect(d!.fixes[0]!.title).toBe('Add maxTokens: 1024');
  });

  it('a limit in providerOptions (the OpenAI chat provider’s maxCompletionTokens) counts; other provider options do not', async () => {
    const text = [
      ...head,
      "const reasoning = { openai: { reasoningEffort: 'low', maxCompletionTokens: 300 } } as const;",
      "export const a = generateText({ model: openai.chat('o3-mini'), prompt: 'x', providerOptions: { openai: { maxCompletionTokens: 100 } } });",
      "export const b = generateText({ model: openai.chat('o3-mini'), prompt: 'x', providerOptions: reasoning });",
      "export const c = generateText({ model: openai.chat('o3-mini'), prompt: 'x', providerOptions: { openai: { reasoningEffort: 'low' } } });",
      '',
    ].join('\n');
    const r = await analyzeFile({ path: '/repo/src/route.ts', text });
    expect(r.calls.map((c) => /with ([\d,]+) output/.exec(c.label)?.[1])).toEqual(['100', '300', undefined]);
    expect(r.diagnostics.map((d) => [d.range.start.line, d.ruleId])).toEqual([[5, 'missing-output-limit']]);
  });

  it('reads package.json again once it changes (an upgrade while the editor is open), and an unreadable range as not known', () => {
    const dir = project('upgraded', '^4.3.16');
    const file = join(dir, 'src', 'route.ts');
    expect(aiSdkMajor(file)).toBe(4);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'upgraded', dependencies: { ai: '^5.0.0' } }));
    utimesSync(join(dir, 'package.json'), new Date(), new Date(Date.now() + 60_000));
    expect(aiSdkMajor(file)).toBe(5);
    expect(aiSdkMajor(join(project('latest', 'latest', '5.0.1'), 'src', 'route.ts'))).toBe(5);
    expect(aiSdkMajor(join(project('unread', 'latest'), 'src', 'route.ts'))).toBeUndefined();
  });

  it('reads ranges as written in package.json', () => {
    expect(['^4.3.16', '~5.0.0', '>=5.0.0', '4.x', '6', 'v5.1.0', 'npm:ai@4.2.0'].map(majorOfRange)).toEqual([4, 5, 5, 4, 6, 5, 4]);
    expect(['latest', '*', 'github:vercel/ai', 'workspace:*'].map(majorOfRange)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
