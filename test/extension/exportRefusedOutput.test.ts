/**
 * "Export Policy to Another Gateway…" refused by the planner for an OUTPUT (a `.tollgate/exports`
 * link that leads out of the workspace, a cloned repository's trap) said "The policy has 1
 * problem(s)… Fix it before exporting" with an "Open Policy" button: the policy was fine. The
 * notification names the refused file and why, and offers nothing to open.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { world } from './workspaces/world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./workspaces/world');
  return worldVscode(w);
});
// The real export planner, from source (the extension loads it from dist/extension/deferred.cjs).
vi.mock('../../extension/src/deferred/load', async () => {
  const { planExport, EXPORT_TARGETS, DEFAULT_EXPORT_DIR } = await import('../../proxy/src/export/index');
  return { loadDeferred: () => ({ planExport, EXPORT_TARGETS, DEFAULT_EXPORT_DIR }) };
});

const { registerExportPolicy } = await import('../../extension/src/commands/exportPolicy');
type Proxy = Parameters<typeof registerExportPolicy>[0];

const dir = mkdtempSync(join(tmpdir(), 'tollgate-export-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportIn(root: string): Promise<{ level: string; text: string; items: string[] }[]> {
  const file = join(root, '.tollgate', 'policy.yaml');
  const proxy = { policyFile: () => file, workspacePolicyFiles: () => [file], workspacePolicyFile: () => file, output: { warn() {}, show() {} } } as unknown as Proxy;
  const exporter = registerExportPolicy(proxy);
  try {
    world.shown.splice(0);
    world.pickAnswers.push(
      (items) => [items[0]], // targets
      (items) => items[0], // the default output folder
    );
    await world.commands.get('tollgate.exportPolicy')!();
    return [...world.shown];
  } finally {
    exporter.dispose();
  }
}

describe('Export Policy: an output the planner refuses', () => {
  it('names the output and the reason, not a policy problem, and offers no Open Policy', async () => {
    const root = mkdtempSync(join(dir, 'repo-'));
    const outside = mkdtempSync(join(dir, 'elsewhere-'));
    mkdirSync(join(root, '.tollgate'));
    writeFileSync(join(root, '.tollgate', 'policy.yaml'), 'version: 1\n');
    symlinkSync(outside, join(root, '.tollgate', 'exports'));
    const shown = await exportIn(root);
    const error = shown.find((m) => m.level === 'error');
    expect(error, JSON.stringify(shown)).toBeDefined();
    expect(error!.text).toContain('cannot export to .tollgate/exports/');
    expect(error!.text).toContain('outside the workspace');
    expect(error!.text).not.toContain('The policy has');
    expect(error!.items).toEqual([]);
  });

  it('a policy problem still says so and offers Open Policy', async () => {
    const root = mkdtempSync(join(dir, 'repo-'));
    mkdirSync(join(root, '.tollgate'));
    writeFileSync(join(root, '.tollgate', 'policy.yaml'), 'version: 1\nbudgetz: []\n');
    const shown = await exportIn(root);
    const error = shown.find((m) => m.level === 'error');
    expect(error, JSON.stringify(shown)).toBeDefined();
    expect(error!.text).toContain('The policy has 1 problem(s)');
    expect(error!.items).toEqual(['Open Policy']);
  });
});
