/**
 * Which Node.js runs the proxy. Never the extension host's own runtime: VS Code runs extensions in
 * Electron (and code-server in its bundled Node 24), where native modules built for the user's
 * Node (better-sqlite3, onnxruntime) do not load.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface NodeRuntime {
  path: string;
  version: string;
  /** process.versions.modules: the native-module ABI. */
  abi: string;
}

export type NodeRuntimeResult = { ok: true; runtime: NodeRuntime } | { ok: false; message: string };

export const MIN_NODE = [20, 18, 1] as const;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First `node` on PATH (the way a shell would find it). */
export function findOnPath(pathEnv: string | undefined, platform: NodeJS.Platform = process.platform): string | undefined {
  const names = platform === 'win32' ? ['node.exe', 'node.cmd'] : ['node'];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of names) {
      const candidate = join(dir, n);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

export function versionAtLeast(version: string, min: readonly number[]): boolean {
  const parts = version.replace(/^v/, '').split('.').map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < min.length; i++) {
    const a = parts[i] ?? 0;
    const b = min[i]!;
    if (a !== b) return a > b;
  }
  return true;
}

function probe(file: string): Promise<{ version: string; abi: string } | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['-p', 'process.version + " " + process.versions.modules'], { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      if (err) return resolve(undefined);
      const [version, abi] = stdout.trim().split(' ');
      resolve(version && abi ? { version, abi } : undefined);
    });
  });
}

const INSTALL_HINT =
  'Install Node.js 20.18 or newer from https://nodejs.org (or your package manager), then reload the window — or set "tollgate.nodePath" to a node executable.';

/**
 * The configured path, else `node` on PATH; checked by running it. `expectedAbi`, when known (the
 * ABI the packaged native modules were built for), must match.
 */
export async function resolveNodeRuntime(configured: string | undefined, pathEnv: string | undefined, expectedAbi?: string): Promise<NodeRuntimeResult> {
  const fromSetting = configured?.trim();
  const file = fromSetting || findOnPath(pathEnv);
  if (!file) return { ok: false, message: `Tollgate needs Node.js to run its proxy and found no "node" on PATH. ${INSTALL_HINT}` };
  const info = await probe(file);
  if (!info) {
    const where = fromSetting ? `"tollgate.nodePath" (${file})` : `"node" on PATH (${file})`;
    return { ok: false, message: `Tollgate could not run ${where}. ${INSTALL_HINT}` };
  }
  if (!versionAtLeast(info.version, MIN_NODE)) {
    return { ok: false, message: `Tollgate's proxy needs Node.js ${MIN_NODE.join('.')} or newer; ${file} is ${info.version}. ${INSTALL_HINT}` };
  }
  if (expectedAbi && info.abi !== expectedAbi) {
    return {
      ok: false,
      message: `Tollgate's proxy was packaged for a Node.js with native-module ABI ${expectedAbi}, but ${file} is ${info.version} (ABI ${info.abi}). Point "tollgate.nodePath" at a matching Node.js (see the extension's docs).`,
    };
  }
  return { ok: true, runtime: { path: file, version: info.version, abi: info.abi } };
}
