/**
 * Which runtime runs the proxy. By default the one VS Code already ships: the extension host's own
 * executable (`process.execPath`, Electron in desktop VS Code, Node in code-server) started with
 * `ELECTRON_RUN_AS_NODE=1`, the way language servers are forked — so users need no Node install.
 * This works because every native module in the proxy is N-API (one binary for every Node and
 * Electron version) or a loadable SQLite extension. `tollgate.nodePath` overrides it with a
 * Node.js of the user's choice, checked by running it.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';

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

/** The machine the setting is read on (tests pass another). */
export interface SettingPlatform {
  platform: NodeJS.Platform;
  home: string;
  /** For variables in the path (`%LOCALAPPDATA%`, `$HOME`); none expanded when absent. */
  env?: NodeJS.ProcessEnv;
  /**
   * The folder a relative path (`.venv/bin/node`, `tools\node.exe`) is read from: the workspace
   * folder, and none in Restricted Mode (a path into an untrusted repository must not run).
   */
  relativeTo?: string;
}

/**
 * Variables people write in paths, which no shell expands for us: VS Code's `${userHome}` and
 * `${env:NAME}` everywhere, `%NAME%` on Windows (names in any case), `$NAME` / `${NAME}` elsewhere.
 * An unknown variable is left as written, so the message shows it.
 */
function expandVariables(p: string, where: SettingPlatform): string {
  const env = where.env ?? {};
  const lookup = (name: string): string | undefined =>
    where.platform === 'win32' ? Object.entries(env).find(([k]) => k.toUpperCase() === name.toUpperCase())?.[1] : env[name];
  const out = p.replace(/\$\{userHome\}/g, where.home).replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, n: string) => lookup(n) ?? m);
  if (where.platform === 'win32') return out.replace(/%([A-Za-z_][A-Za-z0-9_()]*)%/g, (m, n: string) => lookup(n) ?? m);
  return out.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, a?: string, b?: string) => lookup(a ?? b ?? '') ?? m);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The executable a `tollgate.nodePath` value names, read the way users write it: without the
 * quotes Windows Explorer's "Copy as path" puts around it, with its variables and a leading `~`
 * (the home folder) expanded (no shell does it for us), and a Node install folder (`C:\Program Files\nodejs`,
 * `~/.nvm/versions/node/v22.11.0`) as the node executable in it or in its `bin`.
 */
export function nodePathFromSetting(value: string, where: SettingPlatform): string {
  let p = value.trim();
  const quoted = /^(["'])(.*)\1$/.exec(p);
  if (quoted) p = quoted[2]!.trim();
  p = expandVariables(p, where);
  const path = where.platform === 'win32' ? win32 : posix;
  if (p === '~' || (where.platform === 'win32' ? /^~[\\/]/ : /^~\//).test(p)) p = path.join(where.home, p.slice(1));
  // Not against the process's working directory: the check (execFile) and the proxy's spawn (cwd:
  // the data directory) would each read it from a different folder.
  if (isRelativePath(p, where.platform) && where.relativeTo) p = path.resolve(where.relativeTo, p);
  if (p && isDirectory(p)) {
    const exe = where.platform === 'win32' ? 'node.exe' : 'node';
    const inside = [join(p, exe), join(p, 'bin', exe)].find(isFile);
    if (inside) return inside;
  }
  return p;
}

/** A path with a folder in it that is not absolute; a bare name (`node`) is looked up on the PATH instead. */
function isRelativePath(p: string, platform: NodeJS.Platform): boolean {
  const path = platform === 'win32' ? win32 : posix;
  return (platform === 'win32' ? /[\\/]/ : /\//).test(p) && !path.isAbsolute(p);
}

type Probe = { version: string } | { problem: string };

/** Runs `file -p process.version`; when that fails, what went wrong in words (a broken shim says why on stderr). */
function probe(file: string, platform: NodeJS.Platform): Promise<Probe> {
  return new Promise((resolve) => {
    execFile(file, ['-p', 'process.version'], { timeout: 10_000, windowsHide: true }, (err, stdout, stderr) => {
      const version = stdout?.trim() ?? '';
      if (!err && /^v\d+\./.test(version)) return resolve({ version });
      const said = `${stderr ?? ''}`.split(/\r?\n/).map((l) => l.trim()).find(Boolean);
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: string | number }) | null;
      let problem: string;
      // A bare name is looked up on the PATH VS Code started with, which on macOS (opened from the
      // Dock) or after a new install may lack Homebrew's, nvm's or the installer's folder.
      if (e?.code === 'ENOENT' && !/[\\/]/.test(file)) problem = `not found on the PATH VS Code was started with; give its full path (\`${platform === 'win32' ? 'where' : 'which'} ${file}\` in a terminal prints it)`;
      else if (e?.code === 'ENOENT') problem = 'no such file';
      else if (e?.code === 'EACCES') problem = 'permission denied (not an executable)';
      else if (e?.killed) problem = 'it did not answer within 10 s';
      else if (said) problem = `it said: ${said.slice(0, 200)}`;
      else if (e) problem = typeof e.code === 'number' ? `it exited with code ${e.code}` : e.message.split('\n')[0]!;
      else problem = `it printed ${JSON.stringify(version.slice(0, 80))}, not a Node.js version`;
      resolve({ problem });
    });
  });
}

const HINT = 'Clear "tollgate.nodePath" to use the runtime built into VS Code, or point it at Node.js 20.18 or newer.';

/**
 * `tollgate.nodePath` when set (it must run and be Node ≥ 20.18.0), else VS Code's own runtime.
 */
export async function resolveNodeRuntime(
  configured: string | undefined,
  host: HostRuntime = { execPath: process.execPath, version: process.version },
  where: SettingPlatform = { platform: process.platform, home: homedir(), env: process.env },
): Promise<NodeRuntimeResult> {
  const file = configured ? nodePathFromSetting(configured, where) : '';
  if (!file) {
    if (!versionAtLeast(host.version, MIN_NODE)) {
      return { ok: false, message: `This VS Code runs Node.js ${host.version}; Tollgate's proxy needs ${MIN_NODE.join('.')} or newer. Update VS Code, or set "tollgate.nodePath" to a Node.js 20.18+ executable.` };
    }
    return { ok: true, runtime: { path: host.execPath, version: host.version, source: 'vscode', env: { ELECTRON_RUN_AS_NODE: '1' } } };
  }
  if (isRelativePath(file, where.platform)) {
    return { ok: false, message: `"tollgate.nodePath" (${file}) is a relative path and this window has no trusted workspace folder to read it from; give the full path. ${HINT}` };
  }
  // Node will not start a batch file without a shell (CVE-2024-27980), and the proxy is not run through one.
  if (where.platform === 'win32' && /\.(?:cmd|bat|ps1)$/i.test(file)) {
    return { ok: false, message: `"tollgate.nodePath" (${file}) is a script shim, which cannot run the proxy; point it at node.exe (\`where node\` lists it, e.g. C:\\Program Files\\nodejs\\node.exe). ${HINT}` };
  }
  const probed = await probe(file, where.platform);
  if ('problem' in probed) return { ok: false, message: `Tollgate could not run "tollgate.nodePath" (${file}): ${probed.problem}. ${HINT}` };
  const version = probed.version;
  if (!versionAtLeast(version, MIN_NODE)) {
    return { ok: false, message: `Tollgate's proxy needs Node.js ${MIN_NODE.join('.')} or newer; "tollgate.nodePath" (${file}) is ${version}. ${HINT}` };
  }
  return { ok: true, runtime: { path: file, version, source: 'setting', env: {} } };
}
