/**
 * Scripts read the CLI's output through pipes and stop reading when they have what they need
 * (`tollgate lint --format json | head`, `tollgate start 2>&1 | grep -m1 listening`). The closed
 * pipe must not crash the command: lint keeps its own exit status (no EPIPE stack), and a proxy
 * whose log reader went away keeps serving and still stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from './cli';

const root = mkdtempSync(join(tmpdir(), 'tollgate-pipe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const exited = (child: ReturnType<typeof spawn>): Promise<number | null> => new Promise((resolve) => child.once('exit', (code) => resolve(code)));

describe('a reader that closes the pipe early', () => {
  it('`lint --format json | head -c …`: exit status is the verdict (0: warnings only), no EPIPE crash', async () => {
    const src = join(root, 'src');
    mkdirSync(src);
    // Each file has one warning (no output limit) and no error: the verdict at --max-severity error is 0.
    for (let i = 0; i < 400; i++) {
      writeFileSync(
        join(src, `call${i}.ts`),
        `import OpenAI from 'openai';\nconst client = new OpenAI();\nexport const run${i} = (q: string) => client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: q }] });\n`,
      );
    }
    const child = spawn(process.execPath, [...CLI, 'lint', '--format', 'json', '--max-severity', 'error', src], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: root }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let bytes = 0;
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // Like `head -c 1000`: read the first chunk, then close the pipe while the CLI is still writing.
    child.stdout.once('data', (c: Buffer) => {
      bytes = c.length;
      child.stdout.destroy();
    });
    const code = await exited(child);
    expect(bytes).toBeGreaterThan(0);
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error'/);
    expect(code).toBe(0);
  }, 120_000);

  it('`start 2>&1 | grep -m1 listening`: the proxy outlives its log reader and stops with 0 on SIGTERM', async () => {
    const ws = join(root, 'ws');
    mkdirSync(join(ws, '.tollgate'), { recursive: true });
    const policy = join(ws, '.tollgate', 'policy.yaml');
    writeFileSync(policy, 'version: 1\n');
    const child = spawn(process.execPath, [...CLI, 'start', '--port', '0', '--data-dir', join(root, 'data')], { cwd: ws, env: { PATH: process.env.PATH ?? '', HOME: root }, stdio: ['ignore', 'pipe', 'pipe'] });
    const code = exited(child);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`proxy exited before listening: ${out}`)));
      });
      // The reader has its line and goes away; every later log line meets a closed pipe.
      child.stdout.destroy();
      child.stderr.destroy();
      // A policy edit logs "policy reloaded" on stderr.
      writeFileSync(policy, 'version: 1\nretries:\n  attempts: 1\n');
      await new Promise((r) => setTimeout(r, 1_500));
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(child.exitCode).toBeNull();
      child.kill('SIGTERM');
      expect(await code).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('output that cannot be written (a full disk: `tollgate policy schema > out.json`)', () => {
  it.skipIf(!existsSync('/dev/full'))('is one line naming standard output and the reason, exit 1, no stack', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [...CLI, 'policy', 'schema'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: root }, stdio: ['ignore', full, 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      expect([await exited(child), stderr.trim()]).toEqual([1, 'tollgate: cannot write to standard output: no space left on the disk']);
    } finally {
      closeSync(full);
    }
  }, 120_000);
});
