/**
 * CLI failures a probe found outside the happy path: repeatable lint options that swallowed paths,
 * misspelt rule ids, an unreachable proxy, a shutdown that hangs, numeric options that parse to
 * NaN, meaningless cache clear combinations, filesystem errors printed as stacks, Windows paths in
 * `policy`, the `export --check` hint, runtime failures exiting with the usage code, and exemplar
 * files with a byte-order mark or capitalised tiers.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { describeFailure, displayPath, parseNumber, resolveFrom } from '../../proxy/src/cli/common';
import { lintCommand } from '../../proxy/src/cli/lint';
import { policyCommand } from '../../proxy/src/cli/policy';
import { handleStopSignals } from '../../proxy/src/cli/start';
import { deadPort, runCli } from './support';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-unseen-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

function lintIO(cwd: string) {
  let out = '';
  let err = '';
  const codes: number[] = [];
  const out_ = (t: string): void => {
    out += t;
  };
  const err_ = (t: string): void => {
    err += t;
  };
  return { out: out_, err: err_, cwd, exit: (c: number) => void codes.push(c), stdout: () => out, stderr: () => err, codes };
}

describe('lint options', () => {
  it('--prompt-glob, --rule and --compare take one value each, so a path after them is linted (not swallowed)', async () => {
    const root = join(dir, 'lint');
    mkdirSync(join(root, 'p', 'prompts'), { recursive: true });
    mkdirSync(join(root, 'other', 'prompts'), { recursive: true });
    writeFileSync(join(root, 'p', 'prompts', 'a.txt'), 'You are a helpful assistant. Please kindly answer.\n');
    writeFileSync(join(root, 'other', 'prompts', 'z.txt'), 'You are a different assistant. Answer briefly.\n');
    const io = lintIO(root);
    await lintCommand(io).parseAsync(['--format', 'json', '--compare', 'gpt-4o', '--rule', 'politeness=off', '--prompt-glob', '**/prompts/*.txt', 'p'], { from: 'user' });
    expect(io.codes).toEqual([0]);
    const files = (JSON.parse(io.stdout()) as Array<{ path: string }>).map((r) => r.path);
    expect(files.some((f) => f.endsWith('a.txt'))).toBe(true);
    expect(files.some((f) => f.includes('other'))).toBe(false);
    // The probe's case: a file after --rule is a path, not a second rule.
    const after = lintIO(root);
    await lintCommand(after).parseAsync(['--rule', 'politeness=off', '--prompt-glob', '**/prompts/*.txt', 'p/prompts/a.txt'], { from: 'user' });
    expect(after.codes).toEqual([0]);
    const commas = lintIO(root);
    await lintCommand(commas).parseAsync(['p/prompts/a.txt', '--rule', 'politeness=off,missing-output-limit=info', '--compare', 'gpt-4o,gpt-4o-mini'], { from: 'user' });
    expect(commas.codes).toEqual([0]);
  });

  it('a misspelt rule id is a usage error that suggests the nearest id', async () => {
    const io = lintIO(join(dir));
    writeFileSync(join(dir, 'x.ts'), 'export const x = 1;\n');
    await lintCommand(io).parseAsync(['x.ts', '--rule', 'missing-output-limits=off'], { from: 'user' });
    expect(io.codes).toEqual([2]);
    expect(io.stderr()).toMatch(/unknown rule "missing-output-limits".*did you mean "missing-output-limit"/);
  });
});

describe('batch without a running proxy', () => {
  it('every subcommand says the proxy is not reachable and how to start it, exit 1, no stack', async () => {
    const proxy = `http://127.0.0.1:${await deadPort()}`;
    const jsonl = join(dir, 'b.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } })}\n`);
    for (const args of [['batch', 'opportunities', '--proxy', proxy], ['batch', 'submit', jsonl, '--proxy', proxy]]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`proxy at ${proxy} is not reachable`);
      expect(r.stderr).toContain('tollgate start');
      noStack(r.stderr);
    }
  });
});

describe('start shutdown', () => {
  it('a second signal, or the grace period, forces the exit after closing the database when close() hangs', async () => {
    const run = (graceMs: number) => {
      const listeners: Record<string, () => void> = {};
      const exits: number[] = [];
      let dbClosed = false;
      const closed: string[] = [];
      handleStopSignals(
        {
          close: () => new Promise<void>(() => {}),
          services: {
            // The ledger first: rows it held back (a full disk) are written before the database closes.
            ledger: { close: () => closed.push('ledger') },
            db: {
              close: () => {
                dbClosed = true;
                closed.push('db');
              },
            },
          },
        },
        {
          graceMs,
          exit: (c) => exits.push(c),
          log: () => {},
          on: (s, l) => {
            listeners[s] = l;
          },
        },
      );
      return { listeners, exits, dbClosed: () => dbClosed, closed };
    };
    const twice = run(60_000);
    twice.listeners.SIGINT!();
    expect(twice.exits).toEqual([]);
    twice.listeners.SIGTERM!();
    expect(twice.exits).toEqual([1]);
    expect(twice.dbClosed()).toBe(true);
    expect(twice.closed).toEqual(['ledger', 'db']);

    const grace = run(50);
    grace.listeners.SIGTERM!();
    await new Promise((r) => setTimeout(r, 120));
    expect(grace.exits).toEqual([1]);
    expect(grace.dbClosed()).toBe(true);
  });
});

describe('numeric options', () => {
  it('one parser: decimal numbers in range only', () => {
    expect(parseNumber('10', { min: 1 })).toBe(10);
    expect(parseNumber('0.5', { min: 0, minExclusive: true })).toBe(0.5);
    for (const bad of ['abc', '', '0x50', '1e3', '-1', 'NaN', 'Infinity']) expect(() => parseNumber(bad, { min: 0 }), bad).toThrow(/expected/);
    expect(() => parseNumber('0', { min: 1 })).toThrow();
    expect(() => parseNumber('1.5', { integer: true })).toThrow();
    expect(() => parseNumber('65536', { integer: true, max: 65535 })).toThrow();
  });

  it('bad values are usage errors in batch, start and cache', async () => {
    const cases = [
      ['batch', 'submit', 'x.jsonl', '--poll-seconds', 'abc'],
      ['batch', 'submit', 'x.jsonl', '--poll-seconds', '0'],
      ['batch', 'submit', 'x.jsonl', '--max-wait-minutes', 'abc'],
      ['batch', 'opportunities', '--days', 'abc'],
      ['start', '--port', '0x50', '--data-dir', join(dir, 'never')],
      ['start', '--port', '', '--data-dir', join(dir, 'never')],
      ['cache', 'clear', '--key', 'tg_0123456789abcdef', '--cache-version', 'abc', '--data-dir', join(dir, 'never')],
    ];
    const results = await Promise.all(cases.map((c) => runCli(c)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(EXIT_CODES.usage);
      expect(r.stderr, cases[i]!.join(' ')).toMatch(/invalid\. expected/);
    });
  });
});

describe('cache clear', () => {
  it('refuses --expired with --key, --cache-version without --key, and a malformed key (exit 2)', async () => {
    const d = join(dir, 'cache-data');
    const cases = [
      ['cache', 'clear', '--expired', '--key', 'nonsense', '--data-dir', d],
      ['cache', 'clear', '--cache-version', '3', '--data-dir', d],
      ['cache', 'clear', '--key', 'sk-live-abc', '--data-dir', d],
    ];
    const results = await Promise.all(cases.map((c) => runCli(c)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]!.join(' ')).toBe(EXIT_CODES.usage);
      expect(r.stdout).not.toContain('removed');
    });
    expect(results[0]!.stderr).toMatch(/--expired.*--key/);
    expect(results[1]!.stderr).toMatch(/--cache-version only applies with --key/);
  });
});

describe('filesystem errors', () => {
  it('are one line naming the path, exit 1, never a stack', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const notDb = join(dir, 'notdb');
    mkdirSync(notDb);
    writeFileSync(join(notDb, 'tollgate.db'), 'this is not sqlite at all, just text\n'.repeat(10));
    const tollgateFile = join(dir, 'init-here');
    mkdirSync(tollgateFile);
    writeFileSync(join(tollgateFile, '.tollgate'), 'x');
    const exportFrom = join(dir, 'export-from');
    mkdirSync(join(exportFrom, '.tollgate'), { recursive: true });
    writeFileSync(join(exportFrom, '.tollgate', 'policy.yaml'), 'version: 1\n');
    const runs = await Promise.all([
      runCli(['start', '--port', '0', '--data-dir', file]),
      runCli(['start', '--port', '0', '--data-dir', notDb]),
      runCli(['cache', 'stats', '--data-dir', notDb]),
      runCli(['policy', 'init'], { cwd: tollgateFile }),
      runCli(['policy', 'export', '--target', 'litellm', '--out', file], { cwd: exportFrom }),
      runCli(['router', 'eval', '--no-embedding', '-e', dir]),
    ]);
    const expected = [file, join(notDb, 'tollgate.db'), join(notDb, 'tollgate.db'), join(tollgateFile, '.tollgate'), file, dir];
    runs.forEach((r, i) => {
      // The two starts cannot use their data folder: a code of its own, so a supervisor does not restart them.
      expect(r.code, r.stderr).toBe(i < 2 ? EXIT_CODES.dataDirUnusable : 1);
      expect(r.stderr).toMatch(/^tollgate: /m);
      expect(r.stderr).toContain(expected[i]);
      noStack(r.stderr);
    });
    expect(runs[1]!.stderr).toMatch(/not a Tollgate database/);
  });

  it('cache stats only reads: it does not chmod the data directory or database (another user\'s would fail EPERM)', async () => {
    const { openDatabase } = await import('../../proxy/src/db/open');
    const { ExactCache } = await import('../../proxy/src/cache/exactCache');
    const d = join(dir, 'shared-data');
    const db = openDatabase(join(d, 'tollgate.db'));
    new ExactCache(db);
    db.close();
    chmodSync(d, 0o755);
    chmodSync(join(d, 'tollgate.db'), 0o644);
    const r = await runCli(['cache', 'stats', '--data-dir', d]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('0 entries');
    expect(statSync(d).mode & 0o777).toBe(0o755);
    expect(statSync(join(d, 'tollgate.db')).mode & 0o777).toBe(0o644);
  });

  it('permission errors say what to do (EACCES on mkdir, EPERM on chmod)', () => {
    const eacces = Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'mkdir', path: '/srv/other/.tollgate' });
    expect(describeFailure(eacces)).toMatch(/permission denied: cannot create \/srv\/other\/\.tollgate;.*--data-dir/);
    const eperm = Object.assign(new Error('EPERM'), { code: 'EPERM', syscall: 'chmod', path: '/srv/other/.tollgate' });
    expect(describeFailure(eperm)).toMatch(/cannot change the permissions of \/srv\/other\/\.tollgate/);
    expect(describeFailure(new Error('a bug'))).toBeUndefined();
  });
});

describe('policy paths', () => {
  it('Windows absolute paths are kept, relative ones resolved and shown relative (win32 and posix)', () => {
    expect(resolveFrom('C:\\repo', 'D:\\team\\policy.yaml', path.win32)).toBe('D:\\team\\policy.yaml');
    expect(resolveFrom('C:\\repo', '\\\\server\\share\\p.yaml', path.win32)).toBe('\\\\server\\share\\p.yaml');
    expect(resolveFrom('C:\\repo', '.tollgate\\policy.yaml', path.win32)).toBe('C:\\repo\\.tollgate\\policy.yaml');
    expect(displayPath('C:\\repo', 'C:\\repo\\.tollgate\\exports\\a.yaml', path.win32)).toBe('.tollgate\\exports\\a.yaml');
    expect(displayPath('C:\\repo', 'D:\\out\\a.yaml', path.win32)).toBe('D:\\out\\a.yaml');
    expect(displayPath('C:\\repo', 'C:\\repository\\a.yaml', path.win32)).toBe('C:\\repository\\a.yaml');
    expect(resolveFrom('/repo', '/etc/p.yaml', path.posix)).toBe('/etc/p.yaml');
    expect(displayPath('/repo', '/repo/.tollgate/x', path.posix)).toBe('.tollgate/x');
  });

  it('policy export with a Windows --policy does not glue it onto the working directory', async () => {
    const errs: string[] = [];
    const cmd = policyCommand({ out: () => {}, err: (l) => errs.push(l), cwd: 'C:\\repo', path: path.win32, fail: () => {} });
    await cmd.parseAsync(['export', '--target', 'litellm', '--policy', 'D:\\team\\policy.yaml', '--out', 'D:\\out'], { from: 'user' });
    expect(errs.join('\n')).toContain('D:\\team\\policy.yaml');
    expect(errs.join('\n')).not.toMatch(/C:\\repo.D:/);
  });

  it('export --check from another directory suggests the command with the same --policy and --out', async () => {
    const a = join(dir, 'check', 'a');
    const b = join(dir, 'check', 'b');
    mkdirSync(join(a, '.tollgate'), { recursive: true });
    mkdirSync(b, { recursive: true });
    writeFileSync(join(a, '.tollgate', 'policy.yaml'), 'version: 1\n');
    const errs: string[] = [];
    const codes: number[] = [];
    await policyCommand({ out: () => {}, err: (l) => errs.push(l), cwd: b, fail: (c) => codes.push(c) }).parseAsync(
      ['export', '--check', '--target', 'litellm', '--policy', '../a/.tollgate/policy.yaml', '--out', '../a/my exports'],
      { from: 'user' },
    );
    expect(codes).toEqual([1]);
    expect(errs.join('\n')).toContain("run: tollgate policy export --target litellm --policy ../a/.tollgate/policy.yaml --out '../a/my exports'");
  });
});

describe('runtime failures are not usage errors', () => {
  it('cache stats with no database and router eval with no exemplar file exit 1, not 2', async () => {
    const [stats, router] = await Promise.all([
      runCli(['cache', 'stats', '--data-dir', join(dir, 'empty-data')]),
      runCli(['router', 'eval', '--no-embedding', '-e', join(dir, 'missing.tsv')]),
    ]);
    expect(stats.code).toBe(1);
    expect(stats.stderr).toMatch(/no Tollgate database/);
    expect(router.code).toBe(1);
    expect(router.stderr).toMatch(/no exemplar file/);
  });
});

describe('router eval exemplar file', () => {
  it('accepts a UTF-8 byte-order mark and tier names in any case (the one reader the live router uses too)', async () => {
    const text = '\uFEFFprompt\ttier\treason\r\nsay hi\tSmall\t\r\nprove the theorem\tLARGE\tx\r\n';
    const { parseExemplars } = await import('../../proxy/src/routing/teamExemplars');
    const parsed = parseExemplars(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.exemplars.map((e) => e.tier)).toEqual(['small', 'large']);
    const file = join(dir, 'bom.tsv');
    writeFileSync(file, text);
    const r = await runCli(['router', 'eval', '--no-embedding', '-e', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 exemplars');
  });
});
