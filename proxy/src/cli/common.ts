/**
 * What every `tollgate` subcommand shares: the exit code of a runtime failure, one parser for
 * numeric options, repeatable options, path helpers that work with Windows paths too, and the one
 * place that turns filesystem and SQLite errors into a readable line (main.ts prints it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as nodePath from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { fileErrorWords } from '../../../contract/fileErrors';
import { EXIT_CODES } from '../../../contract/process';
import { DatabaseFileError } from '../db/open';
import { expandHome } from '../embedding/models/paths';

/**
 * Standard input to its end, as a stream: `readFileSync(0)` failed with EAGAIN once a pipe's writer
 * fell behind (a policy bigger than the pipe holds, a slow `git show` or secret manager).
 */
export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A runtime failure (not a usage error, which is EXIT_CODES.usage): missing database, unreachable proxy, unusable path. */
export const EXIT_FAILURE = EXIT_CODES.failure;

/** A failure with a message meant for the user; main.ts prints `tollgate: <message>` and exits with `exitCode`, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  min?: number;
  /** `min` itself is not allowed (a positive number: min 0, minExclusive). */
  minExclusive?: boolean;
  max?: number;
  /** What the number counts, for the message ("seconds", "days"). */
  unit?: string;
  /** The whole "expected …" phrase, when the generated one reads badly. */
  expected?: string;
}

/**
 * Parses a plain decimal number ("10", "0.5"); anything else ("", "abc", "0x50", "1e3", "-1") or a
 * value out of range throws commander's InvalidArgumentError, which the CLI reports as a usage error.
 */
export function parseNumber(text: string, rule: NumberRule = {}): number {
  const shape = rule.integer ? /^[0-9]+$/ : /^[0-9]+(\.[0-9]+)?$|^\.[0-9]+$/;
  const n = Number(text);
  const low = rule.min === undefined ? true : rule.minExclusive ? n > rule.min : n >= rule.min;
  const high = rule.max === undefined || n <= rule.max;
  if (!shape.test(text.trim()) || !Number.isFinite(n) || !low || !high) throw new InvalidArgumentError(`expected ${rule.expected ?? describeRule(rule)}.`);
  return n;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  const unit = rule.unit ? ` of ${rule.unit}` : '';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind}${unit} ${rule.minExclusive ? 'above' : 'from'} ${rule.min} ${rule.minExclusive ? 'up ' : ''}to ${rule.max}`;
  if (rule.min !== undefined) return `${kind}${unit} ${rule.minExclusive ? '>' : '≥'} ${rule.min}`;
  if (rule.max !== undefined) return `${kind}${unit} ≤ ${rule.max}`;
  return `${kind}${unit}`;
}

/** A commander argParser for a numeric option. */
export function numberOption(rule: NumberRule): (value: string) => number {
  return (value) => parseNumber(value, rule);
}

/** A TCP port: a decimal integer 0–65535 (0 = any free port). */
export const parsePort = numberOption({ integer: true, min: 0, max: 65535, expected: 'a port number from 0 to 65535 (decimal; 0 = any free port)' });

/**
 * A repeatable option taking one value each time (`--rule a=off --rule b=off`), so paths may come
 * before or after it; with `commas`, one value may also list several (`--compare a,b`).
 */
export function collect(commas = false): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => [...(previous ?? []), ...(commas ? value.split(',').map((v) => v.trim()).filter(Boolean) : [value])];
}

type PathApi = Pick<typeof nodePath, 'resolve' | 'relative' | 'isAbsolute' | 'sep'>;

/**
 * `p` against `cwd` (absolute paths, including Windows drive and UNC paths, are kept), `~` expanded:
 * the shell leaves `--out=~/x` as it is.
 */
export function resolveFrom(cwd: string, p: string, path: PathApi = nodePath): string {
  return path.resolve(cwd, expandHome(p, homedir(), path.sep));
}

/** `p` relative to `cwd` when it lies inside it, else `p` unchanged (for messages). */
export function displayPath(cwd: string, p: string, path: PathApi = nodePath): string {
  const r = path.relative(cwd, p);
  if (r === '' || path.isAbsolute(r) || r === '..' || r.startsWith(`..${path.sep}`)) return p;
  return r;
}

/**
 * commander's "unknown option" error with the flag meant, where commander suggests none (it does
 * for a small typo only): the one flag of `cmd` the given one starts (`--max-sev`: getopt and
 * argparse take a prefix), or the option a value belongs to (`--json` → `--format json`).
 */
export function withOptionHint(cmd: Command, text: string): string {
  const flag = /^error: unknown option '--([^'=]+)[^']*'\n$/.exec(text)?.[1];
  if (flag === undefined) return text;
  const starts = cmd.options.filter((o) => o.long?.startsWith(`--${flag}`));
  const owner = cmd.options.find((o) => o.argChoices?.includes(flag));
  const meant = starts.length === 1 ? starts[0]!.long : owner ? `${owner.long} ${flag}` : undefined;
  return meant ? `${text}(Did you mean ${meant}?)\n` : text;
}

/** Quotes a command-line argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./\\-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Control characters (C0, DEL, C1), the bidirectional overrides that reorder what a terminal shows,
 * and the Unicode line and paragraph separators that editors and log viewers break lines at.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value that came from a client (a model name stored with a cached answer) made safe to print on
 * a terminal line: control characters are shown as `\u001b`, so an escape sequence cannot clear the
 * screen or retitle the window, and a newline cannot forge an extra output line.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `printable` line by line: the text's own line breaks are kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

/** What JSON.stringify leaves raw but a terminal acts on: DEL, C1 controls (U+009B is CSI), line separators and bidi overrides. */
const JSON_UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON for a terminal or a CI log: JSON.stringify escapes C0 controls but not these, so a model name
 * or file name carrying them reached the screen raw. Escaped as `\u009b`, which parses back to the
 * same string: the data is unchanged, only its spelling.
 */
export function printableJson(json: string): string {
  return json.replace(JSON_UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A reader that goes away (`| head`, `| grep -m1 listening`, a supervisor that died) must not kill
 * the command: without a listener, the EPIPE of the next write is an uncaught 'error' that crashed
 * a running proxy at its next log line and turned `lint | head` into a stack trace and exit 1.
 * Output to a closed pipe is dropped; the command finishes and exits with its own status. Any other
 * write failure (a full disk) ends the command with EXIT_FAILURE.
 */
export function ignoreBrokenPipes(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // After an EPIPE the stream is destroyed and later writes fail with ERR_STREAM_DESTROYED.
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      // A full disk under `> out.json` was Node's stack trace: one line, on the other stream.
      if (stream !== process.stderr) process.stderr.write(`tollgate: cannot write to standard output: ${fileErrorWords(err.code) ?? err.code ?? err.message}\n`);
      process.exit(EXIT_FAILURE);
    });
  }
}

/** SQLite's "file is not a database" (SQLITE_NOTADB = 26). */
export function isNotADatabase(err: unknown): boolean {
  const e = err as { errcode?: number; message?: string } | null;
  return Boolean(e && (e.errcode === 26 || /file is not a database/.test(e.message ?? '')));
}

const VERBS: Record<string, string> = { mkdir: 'create', open: 'open', chmod: 'change the permissions of', scandir: 'list', rename: 'rename', unlink: 'remove', stat: 'read', lstat: 'read', read: 'read', write: 'write', copyfile: 'copy' };

/** Disk-full codes: the advice is to make room first. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * One readable line for a filesystem or SQLite error, naming the path and what to do; undefined for
 * anything else (a bug, which keeps its stack). `database` names the SQLite file for SQLite errors;
 * `pathFlag` is the option that picks another path for the command that failed, '' for none
 * (`policy init` has none, and was told to use a --data-dir it does not take).
 */
export function describeFailure(err: unknown, database?: string, pathFlag = '--data-dir'): string | undefined {
  if (err instanceof CliError || err instanceof DatabaseFileError) return err.message;
  if (isNotADatabase(err)) return `${database ?? 'the database file'} is not a Tollgate database (not SQLite); move it away or choose another --data-dir.`;
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string') return undefined;
  // A port the proxy may not listen on (in use has its own message and exit code, cli/start.ts).
  if (e.syscall === 'listen') return listenFailure(e);
  const path = e.path ?? (e as { dest?: string }).dest;
  if (!path) return undefined;
  const verb = VERBS[e.syscall ?? ''] ?? 'use';
  const elsewhere = `choose another path${pathFlag ? ` (e.g. ${pathFlag})` : ''}`;
  // The path itself, not its parts: a directory asked for where a file is, a path that is not there.
  if (e.code === 'EEXIST') return `${path} already exists and is not a directory; move it or ${elsewhere}.`;
  if (e.code === 'ENOENT') return `${path} does not exist.`;
  const words = fileErrorWords(e.code);
  if (words === undefined) return undefined;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return `${words}: cannot ${verb} ${path}; run as its owner, fix its permissions, or ${elsewhere}.`;
    case 'ENOTDIR':
    case 'EISDIR':
      return `${path}: ${words}; ${e.code === 'EISDIR' ? 'name a file' : elsewhere}.`;
    default:
      return `cannot ${verb} ${path}: ${words}; ${NO_SPACE.has(e.code) ? 'free some space or ' : ''}${elsewhere}.`;
  }
}

/**
 * `tollgate start --port 80` as a user (Linux reserves ports below 1024 for root unless
 * net.ipv4.ip_unprivileged_port_start says otherwise) was Node's stack trace for EACCES.
 */
function listenFailure(e: NodeJS.ErrnoException & { address?: string; port?: number }): string {
  const at = `${e.address ?? '127.0.0.1'}:${e.port ?? '?'}`;
  if (e.code === 'EACCES' || e.code === 'EPERM')
    return `permission denied: cannot listen on ${at}${e.port !== undefined && e.port < 1024 ? ' (ports below 1024 are for administrators)' : ''}; choose another port with --port (the default is 4141).`;
  return `cannot listen on ${at} (${e.code}); choose another port with --port.`;
}

/** `op` on `file`, with the path on its error even where Node leaves it off (EISDIR on read, ENOSPC on write). */
function onFile<T>(file: string, op: () => T): T {
  try {
    return op();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e && typeof e === 'object' && e.path === undefined) e.path = file;
    throw err;
  }
}

/** readFileSync(file, 'utf8'), the path on its error. */
export function readText(file: string): string {
  return onFile(file, () => readFileSync(file, 'utf8'));
}

/** writeFileSync, the path on its error: a full disk was a stack trace, its error naming no file. */
export function writeText(file: string, text: string, flag?: 'wx'): void {
  onFile(file, () => writeFileSync(file, text, flag ? { flag } : undefined));
}

// Also read by the batch client, which must not load commander with them.
export { isUnreachable, proxyUnreachable } from './unreachable';

/** The candidate a mistyped word most likely meant (one "did you mean" rule for the CLI and the policy). */
export { closest as nearest } from '../policy/nearest';
