/**
 * The CLI's exit codes as scripts and the extension's supervisor see them: a usage error exits
 * EXIT_CODES.usage in every subcommand (not commander's default 1), help exits 0, and a port in use
 * exits EXIT_CODES.portInUse naming the port that was asked for, wherever it came from.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { runCli } from './support';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-usage-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI exit codes', () => {
  it('a bad flag value, an unknown option or command exits with the usage code; help exits 0', async () => {
    const badPort = await runCli(['start', '--port', 'abc', '--data-dir', join(dir, 'd')]);
    expect(badPort.code).toBe(EXIT_CODES.usage);
    expect(badPort.stderr).toMatch(/port number/);
    expect((await runCli(['cache', 'clear', '--no-such-flag'])).code).toBe(EXIT_CODES.usage);
    expect((await runCli(['frobnicate'])).code).toBe(EXIT_CODES.usage);
    const help = await runCli(['start', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--port/);
  });

  it('a port taken, set in the policy rather than by --port, is named in the message', async () => {
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    try {
      const policy = join(dir, 'policy.yaml');
      writeFileSync(policy, `server:\n  port: ${port}\n`);
      const r = await runCli(['start', '--policy', policy, '--data-dir', join(dir, 'd2')]);
      expect(r.code).toBe(EXIT_CODES.portInUse);
      expect(r.stderr).toContain(`port ${port} is in use`);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });
});
