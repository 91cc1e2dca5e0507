/**
 * "Turn off Tollgate rule" in a multi-root workspace. There VS Code's Workspace target is the
 * .code-workspace file, which no project commits: the quick pick said "writes .vscode/settings.json"
 * and wrote the .code-workspace file instead. It now offers the file's own folder and says which
 * file each choice writes; in a single-folder window nothing changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { addFolder, world } from './world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./world');
  return worldVscode(w);
});

const vscode = (await import('vscode')) as unknown as { ConfigurationTarget: Record<string, number> };
const { registerDisableRule } = await import('../../../extension/src/diagnostics/costDiagnostics');

const dir = mkdtempSync(join(tmpdir(), 'tollgate disable rule '));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileUri = (p: string) => ({ fsPath: p, path: p, scheme: 'file', toString: () => `file://${p}` });

beforeEach(() => {
  world.folders.length = 0;
  world.folderSettings.clear();
  world.updates.length = 0;
  world.picks.length = 0;
  world.workspaceFile = undefined;
});
registerDisableRule();
const disableRule = (ruleId: string, resource?: unknown) => world.commands.get('tollgate.disableRule')!(ruleId, resource);

describe('Turn off rule', () => {
  it('in a multi-root workspace offers the file’s folder and writes that folder’s settings, keeping its other rules', async () => {
    addFolder(world, join(dir, 'web'));
    const ml = addFolder(world, join(dir, 'ml'));
    world.workspaceFile = fileUri(join(dir, 'team.code-workspace'));
    world.folderSettings.set(ml.uri.fsPath, { 'tollgate.rules.severity': { 'missing-output-limit': 'error' } });
    world.pickAnswers.push((items) => items.find((i) => i.label.includes('folder')));
    await disableRule('politeness', fileUri(join(ml.uri.fsPath, 'prompts', 'a.prompt.md')));

    const labels = world.picks[0]!.items.map((i) => `${i.label} — ${i.description}`);
    expect(labels).toEqual(['For me (User settings) — all workspaces', 'For folder ml — writes ml/.vscode/settings.json', 'For this workspace — writes team.code-workspace']);
    expect(world.updates).toEqual([
      { key: 'tollgate.rules.severity', value: { 'missing-output-limit': 'error', politeness: 'off' }, target: vscode.ConfigurationTarget.WorkspaceFolder, scope: ml.uri.fsPath },
    ]);
  });

  it('names the .code-workspace file when the workspace is picked, never .vscode/settings.json', async () => {
    addFolder(world, join(dir, 'web'));
    addFolder(world, join(dir, 'ml'));
    world.workspaceFile = fileUri(join(dir, 'team.code-workspace'));
    world.pickAnswers.push((items) => items.find((i) => i.label === 'For this workspace'));
    await disableRule('politeness', fileUri(join(dir, 'web', 'x.md')));
    expect(world.picks[0]!.items.find((i) => i.label === 'For this workspace')?.description).toBe('writes team.code-workspace');
    expect(world.updates.map((u) => u.target)).toEqual([vscode.ConfigurationTarget.Workspace]);
  });

  it('in a single-folder window keeps the two choices it had', async () => {
    addFolder(world, join(dir, 'app'));
    world.pickAnswers.push(() => undefined);
    await disableRule('politeness', fileUri(join(dir, 'app', 'x.md')));
    expect(world.picks[0]!.items.map((i) => i.description)).toEqual(['all workspaces', 'writes .vscode/settings.json']);
    expect(world.updates).toEqual([]);
  });
});
