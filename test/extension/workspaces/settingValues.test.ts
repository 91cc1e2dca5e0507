/**
 * settings.json takes any JSON value, and the Settings UI writes "" when a field is cleared: a
 * folder's `tollgate.defaultModel` of "", null or 42, or `tollgate.comparisonModels` that is not a
 * list, must still leave every file analysed (priced at the default model), not the CodeLens and
 * Problems gone with "analysis … failed" in the log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fakeDocument } from '../support/vscodeStub.cjs';
import { addFolder, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const { DocumentAnalyses, documentSelector } = await import('../../../extension/src/analysis/documentAnalyses');
const { analyzeFile } = await import('../../../proxy/src/analysis/index');
const { readConfig } = await import('../../../extension/src/config');
type Analyzer = ConstructorParameters<typeof DocumentAnalyses>[0] extends () => Promise<infer A> ? A : never;
type Log = ConstructorParameters<typeof DocumentAnalyses>[2];

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate setting values '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPT = 'You are a helpful assistant. Answer the question briefly.\n';
// A call that names no model: priced at the default model.
const CODE = 'import OpenAI from "openai";\nconst client = new OpenAI();\nawait client.chat.completions.create({ messages: [{ role: "user", content: "Summarise this text for me" }] });\n';

describe('odd values of the analysis settings in a folder’s settings.json', () => {
  it.each([
    ['a cleared default model ("")', { 'tollgate.defaultModel': '' }],
    ['a default model of blanks', { 'tollgate.defaultModel': '   ' }],
    ['a null default model', { 'tollgate.defaultModel': null }],
    ['a number as the default model', { 'tollgate.defaultModel': 42 }],
    ['comparison models as one string', { 'tollgate.comparisonModels': 'gpt-4.1' }],
    ['comparison models with a null in the list', { 'tollgate.comparisonModels': [null, 'gpt-4.1'] }],
    ['comparison models that are not a list', { 'tollgate.comparisonModels': 7 }],
    ['severities that are not an object', { 'tollgate.rules.severity': 'off' }],
    ['prompt globs with a null in the list', { 'tollgate.promptGlobs': [null, '**/prompts/*.txt'] }],
    ['prompt globs as one string', { 'tollgate.promptGlobs': '**/prompts/*.txt' }],
  ])('%s: files are still analysed, priced at the default model', async (_name, settings) => {
    const folder = addFolder(world, mkdtempSync(join(dir, 'folder-')));
    world.folderSettings.set(folder.uri.fsPath, settings);
    const analyzer: Analyzer = (input, s, token) => analyzeFile(input, s, token ? { cancellation: token } : {});
    const warnings: string[] = [];
    const log = { info() {}, warn: (l: string) => warnings.push(l) } as unknown as Log;
    const analyses = new DocumentAnalyses(async () => analyzer, join(root, 'dist', 'wasm'), log);
    try {
      const prompt = await analyses.analyze(fakeDocument(join(folder.uri.fsPath, 'support.prompt.md'), PROMPT, 'prompt') as never);
      const code = await analyses.analyze(fakeDocument(join(folder.uri.fsPath, 'app.ts'), CODE, 'typescript') as never);
      expect(warnings).toEqual([]);
      expect(prompt?.calls[0]?.model).toBe('gpt-4o-mini');
      expect(code?.calls[0]?.model).toBe('gpt-4o-mini');
      // Compared with the models named, never with a string's letters.
      const compared = prompt?.calls[0]?.comparisons.map((c) => c.model) ?? [];
      expect(compared.every((m) => m.length > 1)).toBe(true);
      if ('tollgate.comparisonModels' in settings && settings['tollgate.comparisonModels'] !== 7) expect(compared).toContain('gpt-4.1');
      // What activation registers the CodeLens and diagnostics for.
      expect(() => documentSelector(readConfig({ fsPath: join(folder.uri.fsPath, 'app.ts') } as never).promptGlobs)).not.toThrow();
    } finally {
      analyses.dispose();
    }
  });

  it('a default model and comparison models pasted with spaces around them are the models named, in the CodeLens too', async () => {
    const folder = addFolder(world, mkdtempSync(join(dir, 'folder-')));
    world.folderSettings.set(folder.uri.fsPath, { 'tollgate.defaultModel': ' gpt-4.1\t', 'tollgate.comparisonModels': [' claude-sonnet-4-0 '] });
    const analyzer: Analyzer = (input, s, token) => analyzeFile(input, s, token ? { cancellation: token } : {});
    const analyses = new DocumentAnalyses(async () => analyzer, join(root, 'dist', 'wasm'), { info() {}, warn() {} } as unknown as Log);
    try {
      const code = await analyses.analyze(fakeDocument(join(folder.uri.fsPath, 'app.ts'), CODE, 'typescript') as never);
      expect(code?.calls[0]?.model).toBe('gpt-4.1');
      expect(code?.calls[0]?.comparisons.map((c) => c.model)).toEqual(['claude-sonnet-4-0']);
      // The CodeLens read "·  claude-sonnet-4-0  $0.000042".
      expect(code?.calls[0]?.label).toMatch(/ · claude-sonnet-4-0 \$/);
    } finally {
      analyses.dispose();
    }
  });
});
