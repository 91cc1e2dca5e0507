/**
 * "Export Policy to Another Gateway…" when an output cannot take the export:
 * - refused by the planner (a `.tollgate/exports` link that leads out of the workspace, a cloned
 *   repository's trap), it said "The policy has 1 problem(s)… Fix it before exporting" with an
 *   "Open Policy" button: the policy was fine. The notification names the refused file and why,
 *   and offers nothing to open.
 * - refused by the disk at write time (here a file named like a target's folder; in use also a
 *   read-only file or folder, a full disk), the command threw and VS Code showed "Command …
 *   resulted in an error" with the raw error, no word of which files had been written. It names
 *   the file and the reason, and counts what was written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { world } from './workspaces/world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('./workspaces/world');
  // The command writes with node:fs on the real disk; the stand-in's workspace.fs is empty.
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

/** Runs the command on `root`'s policy into the default folder (for `targets`, else the first); the notifications shown. */
async function exportIn(root: string, targets?: string[]): Promise<{ level: string; text: string; items: string[] }[]> {
  const file = join(root, '.tollgate', 'policy.yaml');
  const proxy = { policyFile: () => file, workspacePolicyFiles: () => [file], workspacePolicyFile: () => file, output: { warn() {}, show() {} } } as unknown as Proxy;
  const exporter = registerExportPolicy(proxy);
  try {
    world.shown.splice(0);
    world.pickAnswers.push(
      (items) => (targets ? items.filter((i) => targets.includes(i.label)) : [items[0]]),
      (items) => items[0], // the default output folder
    );
    await world.commands.get('tollgate.exportPolicy')!();
    return [...world.shown];
  } finally {
    exporter.dispose();
  }
}

/** A workspace whose policy is `policy`. */
function workspace(policy = 'version: 1\n'): string {
  const root = mkdtempSync(join(dir, 'repo-'));
  mkdirSync(join(root, '.tollgate'));
  writeFileSync(join(root, '.tollgate', 'policy.yaml'), policy);
  return root;
}

describe('Export Policy: an output the planner refuses', () => {
  it('names the output and the reason, not a policy problem, and offers no Open Policy', async () => {
    const root = workspace();
    const outside = mkdtempSync(join(dir, 'elsewhere-'));
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
    const root = workspace('version: 1\nbudgetz: []\n');
    const shown = await exportIn(root);
    const error = shown.find((m) => m.level === 'error');
    expect(error, JSON.stringify(shown)).toBeDefined();
    expect(error!.text).toContain('The policy has 1 problem(s)');
    expect(error!.items).toEqual(['Open Policy']);
  });
});

describe('Export Policy: a write the disk refuses', () => {
  it('names the file and the reason, and counts the files written before it', async () => {
    const root = workspace();
    const exports = join(root, '.tollgate', 'exports');
    mkdirSync(exports, { recursive: true });
    // A file where the second target's folder goes: its files cannot be created.
    writeFileSync(join(exports, 'portkey'), 'not a folder\n');
    const shown = await exportIn(root, ['litellm', 'portkey']);
    const litellm = readdirSync(join(exports, 'litellm'));
    expect(litellm.length).toBeGreaterThan(0);
    const error = shown.find((m) => m.level === 'error');
    expect(error, JSON.stringify(shown)).toBeDefined();
    expect(error!.text).toMatch(/^Tollgate cannot export to .*\/\.tollgate\/exports\/portkey\/[^:]+: part of this path is a file, not a directory\./);
    expect(error!.text).toContain(`${litellm.length} file(s) before it were written`);
    expect(shown.some((m) => m.text.startsWith('Tollgate export:')), 'no success summary after a failure').toBe(false);
  });

  it('says nothing was written when the first file fails', async () => {
    const root = workspace();
    writeFileSync(join(root, '.tollgate', 'exports'), 'not a folder\n');
    const shown = await exportIn(root, ['litellm']);
    const error = shown.find((m) => m.level === 'error');
    expect(error, JSON.stringify(shown)).toBeDefined();
    expect(error!.text).toContain('/.tollgate/exports/litellm/');
    expect(error!.text).toMatch(/Nothing was written\.$/);
    expect(existsSync(join(root, '.tollgate', 'exports', 'litellm'))).toBe(false);
  });
});
