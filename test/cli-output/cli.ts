/** Runs the tollgate CLI from source (tsx) as a child process, its streams piped (not a TTY), as scripts do. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `node <CLI…>` runs the CLI from source, whatever the working directory. */
export const CLI = ['--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../../proxy/src/cli/main.ts', import.meta.url))];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `env` is the whole environment beyond PATH (no inherited HOME, NO_COLOR or FORCE_COLOR unless given);
 * `uid` runs it as that user (and group), from root; `input` is piped to its stdin (else it is empty).
 */
export function runCli(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; uid?: number; input?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: o.cwd, env: { PATH: process.env.PATH ?? '', ...o.env }, stdio: 'pipe', ...(o.uid !== undefined ? { uid: o.uid, gid: o.uid } : {}) });
    // A command that exits before reading its input closes the pipe: that is its answer, not the test's failure.
    child.stdin.on('error', () => {}).end(o.input);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
