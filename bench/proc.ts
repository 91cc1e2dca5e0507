/** Child processes for benchmarks: started on loopback, stopped by PID at the end. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Child {
  proc: ChildProcess;
  line: string;
  stop(): Promise<void>;
}

/** Spawns `cmd args` and resolves once a stdout line matches `ready`. */
export function spawnUntil(cmd: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not become ready in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (line) => {
      if (!ready.test(line)) return;
      clearTimeout(timer);
      resolve({
        proc,
        line,
        stop: () =>
          new Promise<void>((r) => {
            if (proc.exitCode !== null) return r();
            proc.once('exit', () => r());
            proc.kill('SIGTERM');
            setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
          }),
      });
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited with ${code} before ready:\n${stderr}`));
    });
  });
}

/** The fake LLM upstream (test/support) and a policy file in `dir` that sends Tollgate's openai provider to it. */
export async function fakeUpstream(dir: string): Promise<{ child: Child; url: string; policy: string }> {
  const child = await spawnUntil(process.execPath, ['--import', 'tsx', 'test/support/fakeUpstreamMain.ts'], /^FAKE_UPSTREAM /);
  const url = child.line.split(' ')[1]!;
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, `providers:\n  openai:\n    baseUrl: ${url}/v1\n`);
  return { child, url, policy };
}

/** `node [nodeArgs] <cli> start` on a free port with this data folder and policy; `url` is where it listens. */
export async function startTollgate(dataDir: string, policy: string, o: { nodeArgs?: string[]; cli?: string } = {}): Promise<Child & { url: string }> {
  const child = await spawnUntil(process.execPath, [...(o.nodeArgs ?? []), o.cli ?? 'dist/proxy/cli.js', 'start', '--port', '0', '--data-dir', dataDir, '--policy', policy], /^tollgate listening on /);
  return { ...child, url: child.line.replace('tollgate listening on ', '').trim() };
}
