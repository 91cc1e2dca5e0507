/**
 * A multi-root workspace whose folders are separate projects, each with its own committed
 * .vscode/settings.json: a file is analysed with its own folder's Tollgate settings (default model,
 * rule severities), not with the first folder's or the workspace's. The settings must also be
 * declared `resource`-scoped in package.json, or VS Code ignores folder values of them entirely
 * ("This setting cannot be applied in this workspace").
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fakeDocument } from '../support/vscodeStub.cjs';
import { addFolder, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const { DocumentAnalyses } = await import('../../../extension/src/analysis/documentAnalyses');
const { analyzeFile } = await import('../../../proxy/src/analysis/index');
type Analyzer = ConstructorParameters<typeof DocumentAnalyses>[0] extends () => Promise<infer A> ? A : never;
type Log = ConstructorParameters<typeof DocumentAnalyses>[2];

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate folder settings '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPT = 'You are a helpful assistant. Please answer the question briefly, thank you!\n';

describe('per-folder settings in a multi-root workspace', () => {
  it('each file gets its own folder’s default model and rule severities', async () => {
    const a = addFolder(world, join(dir, 'web'));
    const b = addFolder(world, join(dir, 'ml'));
    world.folderSettings.set(b.uri.fsPath, { 'tollgate.defaultModel': 'claude-sonnet-4-0', 'tollgate.rules.severity': { politeness: 'off' } });
    const analyzer: Analyzer = (input, settings, token) => analyzeFile(input, settings, token ? { cancellation: token } : {});
    const log = { info() {}, warn() {} } as unknown as Log;
    const analyses = new DocumentAnalyses(async () => analyzer, join(root, 'dist', 'wasm'), log);
    try {
      const inA = await analyses.analyze(fakeDocument(join(a.uri.fsPath, 'support.prompt.md'), PROMPT, 'prompt') as never);
      const inB = await analyses.analyze(fakeDocument(join(b.uri.fsPath, 'support.prompt.md'), PROMPT, 'prompt') as never);
      expect(inA?.calls[0]?.model).toBe('gpt-4o-mini');
      expect(inB?.calls[0]?.model).toBe('claude-sonnet-4-0');
      expect(inA?.diagnostics.map((d) => d.ruleId)).toContain('politeness');
      expect(inB?.diagnostics.map((d) => d.ruleId)).not.toContain('politeness');
    } finally {
      analyses.dispose();
    }
  });

  it('package.json lets a folder set them (scope "resource")', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { scope?: string }> } } };
    for (const key of ['tollgate.defaultModel', 'tollgate.comparisonModels', 'tollgate.rules.severity', 'tollgate.codeLens.enabled', 'tollgate.diagnostics.enabled', 'tollgate.diagnostics.debounceMs']) {
      expect(pkg.contributes.configuration.properties[key]?.scope, `set "scope": "resource" on ${key}`).toBe('resource');
    }
  });
});
