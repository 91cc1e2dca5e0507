/**
 * What a cloned repository's policy or exemplar file, and a client's model name, can put on the
 * user's terminal through the CLI. `policy validate`, `start`'s log and `router eval` quote the
 * file's keys and values; `report --format json` and `lint --format json|sarif` print model and
 * file names. An OSC sequence retitles the window (or writes the clipboard, OSC 52), CSI `2J`
 * clears the screen, and a CR/LF forges a line a script or a reader takes as Tollgate's own.
 * Control characters must reach the terminal escaped, the data itself unchanged.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../cli-output/cli';
import { startHarness } from '../../support/harness';

const root = mkdtempSync(join(tmpdir(), 'tollgate-inject-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Anything a terminal (or a log viewer: U+2028) acts on, except the line feeds between lines. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A policy whose model name carries a window-title OSC, a CR/LF and a fake error line. */
const HOSTILE_MODEL_POLICY = 'version: 1\nrouting:\n  tiers:\n    openai: { small: "gpt-4o\\e]0;PWNED\\a\\r\\n[tollgate] error: FAKE" }\n';

function dir(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

describe('policy files quoted on the terminal', () => {
  it('`policy validate`: keys and values from the file are escaped, one line per problem', async () => {
    const ws = dir('validate');
    // An unknown key spelled with an OSC 52 clipboard write and a screen clear; a bad enum value with a fake problem line.
    writeFileSync(
      join(ws, 'policy.yaml'),
      'version: 1\n"evil\\e]52;c;Y3VybCBldmlsfHNo\\a\\e[2J": 1\nbudgets:\n  - name: b\n    usd: 1\n    period: "day\\npolicy.yaml:1:1: all good"\n',
    );
    const r = await runCli(['policy', 'validate', 'policy.yaml'], { cwd: ws, env: { HOME: ws } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('evil\\u001b]52;c;Y3VybCBldmlsfHNo\\u0007\\u001b[2J');
    // Two problems, two lines: the line feed in the value did not add a third.
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('policy.yaml:'))).toBe(true);
  }, 60_000);

  it('`policy validate`: a warning quoting a model name stays one escaped line', async () => {
    const ws = dir('validate-warning');
    writeFileSync(join(ws, 'policy.yaml'), HOSTILE_MODEL_POLICY);
    const r = await runCli(['policy', 'validate', 'policy.yaml'], { cwd: ws, env: { HOME: ws } });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('gpt-4o\\u001b]0;PWNED\\u0007\\u000d\\u000a[tollgate] error: FAKE');
  }, 60_000);

  it("`start`: the proxy's log lines quote the policy escaped, and forge no `[tollgate]` line", async () => {
    const ws = dir('start');
    writeFileSync(join(ws, 'policy.yaml'), HOSTILE_MODEL_POLICY);
    const child = spawn(process.execPath, [...CLI, 'start', '--port', '0', '--data-dir', join(ws, 'data'), '--policy', 'policy.yaml'], {
      cwd: ws,
      env: { PATH: process.env.PATH ?? '', HOME: ws },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner in 45 s; stderr: ${stderr}`)), 45_000);
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
          if (stdout.includes('listening on')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      // Serving: the stop handlers are in place, so SIGTERM is a clean stop.
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    // All of stderr, to the last line ('close' comes after the streams end; 'exit' may not).
    await exited;
    expect(stderr).not.toMatch(RAW_CONTROL);
    const warning = stderr.split('\n').find((l) => l.includes('policy warning'));
    expect(warning).toContain('gpt-4o\\u001b]0;PWNED\\u0007\\u000d\\u000a[tollgate] error: FAKE');
    expect(stderr.split('\n').some((l) => l.startsWith('[tollgate] error: FAKE'))).toBe(false);
  }, 60_000);

  it('`start` with an invalid policy: each problem is one escaped line', async () => {
    const ws = dir('start-invalid');
    writeFileSync(join(ws, 'policy.yaml'), 'version: 1\n"x\\e[2J\\e]0;PWNED\\a\\n  fake.yaml:1:1: fine\\L  other.yaml:1:1: fine": 1\n');
    const r = await runCli(['start', '--port', '0', '--data-dir', join(ws, 'data'), '--policy', 'policy.yaml'], { cwd: ws, env: { HOME: ws } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain('x\\u001b[2J\\u001b]0;PWNED\\u0007\\u000a  fake.yaml:1:1: fine\\u2028  other.yaml:1:1: fine');
    expect(r.stderr.split('\n').some((l) => l.startsWith('  fake.yaml'))).toBe(false);
  }, 60_000);

  it('`router eval`: an exemplar file\'s bad tier is quoted escaped', async () => {
    const ws = dir('router');
    writeFileSync(join(ws, 'ex.tsv'), 'prompt\ttier\nhello\tsmall\u001b]0;PWNED\u0007\u001b[2J\n');
    const r = await runCli(['router', 'eval', '--no-embedding', '--exemplars', 'ex.tsv'], { cwd: ws, env: { HOME: ws } });
    expect(r.stderr).toContain('small\\u001b]0;PWNED\\u0007\\u001b[2J');
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  }, 60_000);
});

describe('JSON output on the terminal', () => {
  it('`report --format json`: C1 controls and bidi overrides in a model name are escaped, the name parses back unchanged', async () => {
    const dataDir = dir('report-data');
    // U+009B is CSI in one code point (C1), which JSON.stringify leaves raw; U+202E reverses what follows.
    const model = 'gpt-4o-mini\u009b2J\u202eevil\u0085';
    const h = await startHarness({}, { dataDir });
    try {
      const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
    } finally {
      await h.close();
    }
    const r = await runCli(['report', '--format', 'json', '--data-dir', dataDir, '--since', 'today'], { cwd: dataDir, env: { HOME: dataDir } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    const parsed = JSON.parse(r.stdout) as { by: Array<{ key: string; calls: number }> };
    expect(parsed.by.map((b) => b.key)).toContain(model);
  }, 60_000);

  it('`lint --format json`: a file name with a bidi override or a C1 control is escaped, and parses back unchanged', async () => {
    const ws = dir('lint');
    const name = 'sys\u202etxt.\u009b2Jprompt.md';
    writeFileSync(join(ws, name), 'Please could you kindly summarize the following text, thank you so much.\n');
    const r = await runCli(['lint', '--format', 'json', '--prompt-glob', '**/*.md', '.'], { cwd: ws, env: { HOME: ws } });
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toContain('\\u202e');
    expect((JSON.parse(r.stdout) as Array<{ path: string }>).map((f) => f.path).join('\n')).toContain(name);
  }, 60_000);
});
