/**
 * VS Code notifications render `[label](command:…)` and `[label](https://…)` as links, and run a
 * clicked `command:` link (parseLinkedText, opened with commands allowed). "Export Policy to
 * Another Gateway…" showed the policy's first problem in an error notification, and the problem
 * quotes the file's own text (an unknown key, a bad value): a cloned repository's policy offered a
 * one-click command or a phishing link in Tollgate's name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { world } from '../../extension/workspaces/world';

vi.mock('vscode', async () => {
  const { worldVscode, world: w } = await import('../../extension/workspaces/world');
  return worldVscode(w);
});
// The real export planner, from source (the extension loads it from dist/extension/deferred.cjs).
vi.mock('../../../extension/src/deferred/load', async () => {
  const { planExport, EXPORT_TARGETS, DEFAULT_EXPORT_DIR } = await import('../../../proxy/src/export/index');
  return { loadDeferred: () => ({ planExport, EXPORT_TARGETS, DEFAULT_EXPORT_DIR }) };
});

const { registerExportPolicy } = await import('../../../extension/src/commands/exportPolicy');
type Proxy = Parameters<typeof registerExportPolicy>[0];

/** VS Code's link syntax for notification text (src/vs/base/common/linkedText.ts), after it turns line breaks into spaces. */
const EDITOR_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const linksIn = (text: string): string[] => [...text.replace(/(\r\n|\n|\r)/gm, ' ').matchAll(EDITOR_LINK)].map((m) => m[2] ?? '');

const dir = mkdtempSync(join(tmpdir(), 'tollgate-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportWith(policy: string): Promise<string> {
  const root = mkdtempSync(join(dir, 'repo-'));
  mkdirSync(join(root, '.tollgate'));
  const file = join(root, '.tollgate', 'policy.yaml');
  writeFileSync(file, policy);
  const proxy = { policyFile: () => file, workspacePolicyFiles: () => [file], workspacePolicyFile: () => file, output: { warn() {}, show() {} } } as unknown as Proxy;
  const exporter = registerExportPolicy(proxy);
  try {
    world.shown.splice(0);
    world.pickAnswers.push(
      (items) => [items[0]], // targets
      (items) => items[0], // the default output folder
    );
    await world.commands.get('tollgate.exportPolicy')!();
    const error = world.shown.find((m) => m.level === 'error');
    expect(error, JSON.stringify(world.shown)).toBeDefined();
    return error!.text;
  } finally {
    exporter.dispose();
  }
}

describe('Export Policy: the problem notification quotes the file without links', () => {
  it('an unknown key spelled as a command link is shown as text', async () => {
    const text = await exportWith('version: 1\n"[Fix the policy](command:workbench.action.terminal.new)": 1\n');
    expect(text).toContain('Fix the policy');
    expect(text).toContain('workbench.action.terminal.new');
    expect(linksIn(text)).toEqual([]);
  });

  it('a nested key spelled as a phishing link is shown as text', async () => {
    const text = await exportWith('version: 1\nbudgets:\n  - name: b\n    usd: 1\n    period: day\n    "[Sign in again](https://evil.example/login)": 1\n');
    expect(text).toContain('evil.example');
    expect(linksIn(text)).toEqual([]);
  });
});
