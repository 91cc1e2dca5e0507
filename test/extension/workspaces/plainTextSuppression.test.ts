/**
 * The editor's quick fixes on a plain-text prompt (`prompts/*.txt`): the file is sent to the model as
 * it is, so "Disable for this line" — a comment line — would itself become prompt text. The action
 * is left out there (the rule can still be turned off in settings), and kept where the file is a
 * template whose engine drops its comment (a `.txt` with Jinja tags).
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

const vscode = (await import('vscode')) as unknown as { Diagnostic: new (r: unknown, m: string, s: number) => Record<string, unknown> };
const { DocumentAnalyses } = await import('../../../extension/src/analysis/documentAnalyses');
const { CostQuickFixes } = await import('../../../extension/src/diagnostics/costDiagnostics');
const { toRange } = await import('../../../extension/src/analysis/convert');
const { analyzeFile } = await import('../../../proxy/src/analysis/index');
type Analyzer = ConstructorParameters<typeof DocumentAnalyses>[0] extends () => Promise<infer A> ? A : never;
type Log = ConstructorParameters<typeof DocumentAnalyses>[2];

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'tollgate plain text '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The quick-fix titles the editor offers on the file's politeness finding. */
async function titlesFor(name: string, text: string): Promise<Array<{ title: string; args: unknown[] }>> {
  const analyzer: Analyzer = (input, settings, token) => analyzeFile(input, settings, token ? { cancellation: token } : {});
  const analyses = new DocumentAnalyses(async () => analyzer, join(root, 'dist', 'wasm'), { info() {}, warn() {} } as unknown as Log);
  try {
    const doc = fakeDocument(join(dir, 'prompts', name), text, 'plaintext');
    const finding = (await analyses.analyze(doc as never))?.diagnostics.find((f) => f.ruleId === 'politeness');
    expect(finding, `a politeness finding in ${name}`).toBeDefined();
    const d = new vscode.Diagnostic(toRange(finding!.range), finding!.message, 3);
    d.source = 'Tollgate';
    d.code = { value: 'politeness' };
    const actions = await new CostQuickFixes(analyses).provideCodeActions(doc as never, toRange(finding!.range), { diagnostics: [d] } as never);
    return actions.map((a) => ({ title: a.title, args: (a.command?.arguments ?? []) as unknown[] }));
  } finally {
    analyses.dispose();
  }
}

describe('quick fixes in a plain-text prompt', () => {
  addFolder(world, dir);
  const ask = 'Please answer the customer question below briefly, thank you so much!\n';

  it('offer no comment that the model would read, and turning the rule off names the file’s folder', async () => {
    const actions = await titlesFor('support.txt', `You are a support agent.\n${ask}`);
    expect(actions.some((a) => /^Disable /.test(a.title))).toBe(false);
    const off = actions.find((a) => a.title.startsWith('Turn off'));
    expect(off?.args).toEqual(['politeness', expect.objectContaining({ fsPath: join(dir, 'prompts', 'support.txt') })]);
  });

  it('keep "Disable for this line" in a .txt that is a Jinja template (its comment is dropped when rendered)', async () => {
    const actions = await titlesFor('support-template.txt', `{% if vip %}You are a VIP agent.{% endif %}\n${ask}`);
    expect(actions.some((a) => /^Disable politeness/.test(a.title))).toBe(true);
  });
});
