/**
 * A valid policy with a setting that probably does not do what was meant (a model name the API does
 * not know, a routing rule an earlier rule always matches first) was only reported by `tollgate
 * policy validate`: the editor's Problems view stayed empty and the proxy's log said nothing. The
 * editor now shows them as warnings at their line — not errors: the proxy runs the policy as
 * written, and the status bar (which reads errors only) stays clear.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

interface SeenDiagnostic {
  message: string;
  severity: number;
  range: { start: { line: number } };
}

const seen = vi.hoisted(() => ({
  diagnostics: new Map<string, SeenDiagnostic[]>(),
}));

vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode } = createVscodeStub({}, { workspaceFolders: [] });
  const none = () => ({ dispose() {} });
  (vscode.workspace as Record<string, unknown>).createFileSystemWatcher = () => ({ onDidChange: none, onDidCreate: none, onDidDelete: none, dispose() {} });
  (vscode.languages as Record<string, unknown>).createDiagnosticCollection = () => ({
    set: (uri: { fsPath: string }, ds: SeenDiagnostic[]) => void seen.diagnostics.set(uri.fsPath, ds),
    delete() {},
    clear() {},
    dispose() {},
  });
  return vscode;
});
vi.mock('../../extension/src/deferred/load', async () => (await import('./support/policyDeferred')).policyDeferredModule());

const vscode = await import('vscode');
const { PolicyDiagnostics } = await import('../../extension/src/policy/policyDiagnostics');
type Controller = ConstructorParameters<typeof PolicyDiagnostics>[0];

const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-warnings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policyFile(name: string, text: string): string {
  const file = join(dir, name, '.tollgate', 'policy.yaml');
  mkdirSync(join(dir, name, '.tollgate'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

async function check(file: string): Promise<{ diagnostics: SeenDiagnostic[]; statusProblems: number }> {
  const controller = {
    policyFile: () => file,
    state: { kind: 'running', attached: false },
    launchedPolicy: file,
    onDidChangeState: () => ({ dispose() {} }),
    output: { info() {} },
    start: async () => ({ kind: 'running' }),
  } as unknown as Controller;
  const policy = new PolicyDiagnostics(controller);
  try {
    await vi.waitFor(() => expect(seen.diagnostics.has(file)).toBe(true));
    return { diagnostics: seen.diagnostics.get(file)!, statusProblems: policy.problems.length };
  } finally {
    policy.dispose();
  }
}

describe('policy warnings in the Problems view', () => {
  it('a misspelt model name is a warning at its line, with the likely name; the status bar sees no error', async () => {
    const file = policyFile('models', ['version: 1', 'routing:', '  tiers:', '    openai: { small: gpt4o-mini, large: gpt-4o }', ''].join('\n'));
    const { diagnostics, statusProblems } = await check(file);
    expect(statusProblems).toBe(0);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.severity).toBe(vscode.DiagnosticSeverity.Warning);
    expect(diagnostics[0]!.range.start.line).toBe(3);
    expect(diagnostics[0]!.message).toMatch(/routing\.tiers\.openai\.small: "gpt4o-mini".*did you mean "gpt-4o-mini"/);
  });

  it('a rule that never routes is a warning on that rule', async () => {
    const file = policyFile('shadowed', [
      'version: 1',
      'routing:',
      '  rules:',
      '    - { name: chat, match: { feature: chat }, tier: small }',
      '    - { name: chat-gpt4o, match: { feature: chat, model: gpt-4o }, tier: large }',
      '',
    ].join('\n'));
    const { diagnostics, statusProblems } = await check(file);
    expect(statusProblems).toBe(0);
    expect(diagnostics.map((d) => d.severity)).toEqual([vscode.DiagnosticSeverity.Warning]);
    expect(diagnostics[0]!.range.start.line).toBe(4);
    expect(diagnostics[0]!.message).toMatch(/^routing\.rules\.1\.name: rule "chat-gpt4o" never applies: rule "chat"/);
  });

  it('an invalid policy shows its errors only (warnings need a policy that loads)', async () => {
    const file = policyFile('invalid', ['version: 1', 'budgets:', '  - name: x', '    limit: { usd: "five" }', '    period: day', '    model: gpt4o', ''].join('\n'));
    const { diagnostics, statusProblems } = await check(file);
    expect(statusProblems).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.severity === vscode.DiagnosticSeverity.Error)).toBe(true);
  });
});
