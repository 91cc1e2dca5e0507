/** Default locations: the data directory, the proxy's port and the repo's policy file. */
import { existsSync, fstatSync, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { defaultDataDir as modelsDefaultDataDir, expandHome } from '../embedding/models/paths';
import { DEFAULT_POLICY_FILE } from '../export';
import { entryExists, POLICY_NAMES } from '../policy/files';
import { nearest, parsePort } from './common';
import { ENV } from '../../../contract/process';

/** `-d, --data-dir`, said alike by every command that works on the data directory. */
export const dataDirOption = (): Option =>
  new Option('-d, --data-dir <dir>', 'data directory: the SQLite ledger and cache, and models (default: $TOLLGATE_DATA_DIR or ~/.tollgate)');

/**
 * `$TOLLGATE_DATA_DIR` (trimmed, as the model commands read it: cmd's `set X=D:\tollgate ` keeps the
 * trailing space, which Windows would otherwise make a folder name of; `~` expanded), else
 * `~/.tollgate`, as an absolute path. One reading with the model commands, so ledger and models agree.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(modelsDefaultDataDir(env));
}

/** A `--data-dir` value (`~` expanded: `--data-dir=~/x` reaches us unexpanded) or else the default, absolute. */
export function dataDirFrom(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return given ? resolve(expandHome(given)) : defaultDataDir(env);
}

/**
 * The folder whose `.tollgate/` holds the policy for `cwd`: the nearest with `.git` (the repository's
 * root, as git finds it), else `cwd`. Never the home folder from below it: a `.git` there is a
 * dotfiles repository, and every project under it without its own `.git` took `~/.tollgate/policy.yaml`
 * as its policy without a word (the extension's proxy, run in VS Code's storage under ~, too).
 */
export function policyRoot(cwd = process.cwd(), home = homedir()): string {
  const here = resolve(cwd);
  // Real paths on both sides: with $HOME a link (/home on some Linux hosts, /Users on macOS) the
  // walk from the shell's real working directory never met it, and took the dotfiles root.
  const real = (p: string): string => (existsSync(p) ? realpathSync.native(p) : resolve(p));
  const realHome = real(home);
  for (let dir = here; dir === here || real(dir) !== realHome; dir = dirname(dir)) {
    if (entryExists(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) break;
  }
  return here;
}

/**
 * `.tollgate/policy.yaml`, else `.tollgate/policy.yml`, here or in the nearest folder above up to
 * policyRoot: from `src/` the proxy ran on the built-in policy (no budgets). Relative to `cwd`;
 * undefined when none. A name that is there counts even when it cannot be read (a dangling link):
 * loading it says why, where `existsSync` said nothing.
 */
export function existingWorkspacePolicy(cwd = process.cwd()): string | undefined {
  const here = resolve(cwd);
  const root = policyRoot(here);
  for (let dir = here; ; dir = dirname(dir)) {
    const name = POLICY_NAMES.find((n) => entryExists(join(dir, n)));
    if (name) return relative(here, join(dir, name));
    if (dir === root) return undefined;
  }
}

/** The policy file commands default to: the existing one, else where `policy init` writes one (to name in messages). */
export function defaultPolicyFile(cwd = process.cwd()): string {
  return existingWorkspacePolicy(cwd) ?? relative(resolve(cwd), join(policyRoot(cwd), DEFAULT_POLICY_FILE));
}

/**
 * The next step for a policy file named on the command line that is not there (`shown` as the user
 * wrote it, `abs` resolved): a file beside it with a near name (`team.yml` for `team.yaml`), else
 * check the path or write a first policy with `init`, which writes the default name, not theirs.
 */
export function missingPolicyHint(abs: string, shown: string): string {
  let beside: string[] = [];
  try {
    beside = readdirSync(dirname(abs));
  } catch {
    // The directory is missing too: nothing to suggest from it.
  }
  const near = nearest(basename(abs), beside);
  return near !== undefined
    ? `did you mean ${join(dirname(shown), near)}?`
    : `check the path, or run \`tollgate policy init\` to write a commented starter at ${POLICY_NAMES[0]} (read by default)`;
}

/**
 * `$TOLLGATE_PORT` (trimmed; unset or empty is undefined): the port `start` listens on and the port
 * the commands that talk to a running proxy look for it at, when no flag says. A value that is no
 * port is a usage error of `cmd` (exit 2), as the same value given to --port is.
 */
export function portFromEnv(cmd: Command, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const given = env[ENV.port]?.trim();
  if (!given) return undefined;
  try {
    return parsePort(given);
  } catch (err) {
    return cmd.error(`error: ${ENV.port}=${JSON.stringify(env[ENV.port])}: ${(err as Error).message}`);
  }
}

/** The running proxy's URL for commands with --proxy: on $TOLLGATE_PORT when set, else 4141 (start's default). */
export function defaultProxyUrl(cmd: Command, env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${portFromEnv(cmd, env) ?? 4141}`;
}

/**
 * A policy path that names no file but text read once: standard input, as `-` or by a path (`/dev/stdin`, which cannot
 * be opened again when it is the socket a parent program gave), or another pipe or terminal (a shell's `<(git show …)`).
 */
export function pipeNamed(path: string): 'stdin' | 'pipe' | undefined {
  if (path === '-') return 'stdin';
  // Apart: with no standard input to inspect (a Windows service, a detached child), a pipe is still a pipe.
  const stat = (f: () => Stats): Stats | undefined => {
    try {
      return f();
    } catch {
      return undefined;
    }
  };
  const [st, input] = [stat(() => statSync(path)), stat(() => fstatSync(0))];
  if (!st || (!st.isFIFO() && !st.isCharacterDevice() && !st.isSocket())) return undefined;
  return st.ino === input?.ino && st.dev === input.dev ? 'stdin' : 'pipe';
}
