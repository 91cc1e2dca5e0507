/**
 * Which runtime runs the proxy. By default the one VS Code already ships: the extension host's own
 * executable (`process.execPath`, Electron in desktop VS Code, Node in code-server) started with
 * `ELECTRON_RUN_AS_NODE=1`, the way language servers are forked — so users need no Node install.
 * This works because every native module in the proxy is N-API (one binary for every Node and
 * Electron version) or a loadable SQLite extension. `tollgate.nodePath` overrides it with a
 * Node.js of the user's choice, checked by running it.
 */
import { execFile } from 'node:child_process';

export interface NodeRuntime {
  path: string;
  version: string;
  /** Where it came from: VS Code's own runtime, or the `tollgate.nodePath` setting. */
  source: 'vscode' | 'setting';
  /** Added to the proxy's environment (ELECTRON_RUN_AS_NODE for VS Code's runtime). */
  env: Record<string, string>;
}

export type NodeRuntimeResult = { ok: true; runtime: NodeRuntime } | { ok: false; message: string };

/**
 * VS Code 1.95 (the oldest `engines.vscode` admits) runs its extensions on Node 20.18.0 (Electron 32),
 * so that is the floor: undici declares ≥ 20.18.1 but detects the one newer API it uses, and the CLI
 * tarball test runs the proxy on exactly `engines.node`'s minimum, which is this version.
 */
export const MIN_NODE = [20, 18, 0] as const;

/** The extension host's runtime (tests pass another). */
export interface HostRuntime {
  execPath: string;
  /** The Node.js version it embeds (process.version). */
  version: string;
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

function probe(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['-p', 'process.version'], { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      const version = stdout?.trim();
      resolve(err || !/^v\d+\./.test(version ?? '') ? undefined : version);
    });
  });
}

const HINT = 'Clear "tollgate.nodePath" to use the runtime built into VS Code, or point it at Node.js 20.18 or newer.';

/**
 * `tollgate.nodePath` when set (it must run and be Node ≥ 20.18.0), else VS Code's own runtime.
 */
export async function resolveNodeRuntime(configured: string | undefined, host: HostRuntime = { execPath: process.execPath, version: process.version }): Promise<NodeRuntimeResult> {
  const file = configured?.trim();
  if (!file) {
    if (!versionAtLeast(host.version, MIN_NODE)) {
      return { ok: false, message: `This VS Code runs Node.js ${host.version}; Tollgate's proxy needs ${MIN_NODE.join('.')} or newer. Update VS Code, or set "tollgate.nodePath" to a Node.js 20.18+ executable.` };
    }
    return { ok: true, runtime: { path: host.execPath, version: host.version, source: 'vscode', env: { ELECTRON_RUN_AS_NODE: '1' } } };
  }
  const version = await probe(file);
  if (!version) return { ok: false, message: `Tollgate could not run "tollgate.nodePath" (${file}). ${HINT}` };
  if (!versionAtLeast(version, MIN_NODE)) {
    return { ok: false, message: `Tollgate's proxy needs Node.js ${MIN_NODE.join('.')} or newer; "tollgate.nodePath" (${file}) is ${version}. ${HINT}` };
  }
  return { ok: true, runtime: { path: file, version, source: 'setting', env: {} } };
}
