/**
 * What a cloned repository can set for Tollgate in its `.vscode/settings.json` while the window is
 * in Restricted Mode, and where the extension runs in a remote window — both decided by
 * package.json, so checked there.
 *
 * Restricted settings (VS Code drops their workspace values until the folder is trusted):
 * - `tollgate.nodePath`: the program the extension runs.
 * - `tollgate.proxy.port`: which local server the extension probes, attaches to as "the proxy",
 *   streams events from and hands to the user's apps (Copy Base URL) — a repository must not choose it.
 * - `tollgate.promptGlobs`: each glob becomes a regular expression run in the extension host against
 *   every opened file's path; a crafted one (`**\/a*` six times over) takes 3 s per path and
 *   minutes with a few more segments, freezing every extension of the window.
 *
 * extensionKind: the proxy must run where the apps run — the remote (SSH, WSL, Dev Container) in a
 * remote window, i.e. the workspace side. It is VS Code's default for an extension with only `main`;
 * declared, it stays so if a `browser` entry or another default ever comes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
  extensionKind?: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { restricted?: boolean }> } };
};

const MUST_BE_RESTRICTED = ['tollgate.nodePath', 'tollgate.proxy.port', 'tollgate.promptGlobs'];

describe('settings a repository cannot set in Restricted Mode', () => {
  const trust = pkg.capabilities.untrustedWorkspaces;
  const restricted = new Set([
    ...(trust.supported === 'limited' ? (trust.restrictedConfigurations ?? []) : []),
    ...Object.entries(pkg.contributes.configuration.properties)
      .filter(([, p]) => p.restricted === true)
      .map(([k]) => k),
  ]);

  for (const key of MUST_BE_RESTRICTED) {
    it(`${key} is restricted`, () => {
      expect(pkg.contributes.configuration.properties[key], `${key} is contributed`).toBeDefined();
      expect(restricted.has(key), `add "${key}" to capabilities.untrustedWorkspaces.restrictedConfigurations`).toBe(true);
    });
  }

  it('every restricted key is a real setting', () => {
    for (const key of restricted) expect(pkg.contributes.configuration.properties[key], key).toBeDefined();
  });
});

describe('remote windows', () => {
  it('runs on the workspace side, where the apps that call the proxy run', () => {
    expect(pkg.extensionKind).toEqual(['workspace']);
  });
});
