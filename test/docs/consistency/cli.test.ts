/**
 * Every `tollgate …` command line the docs show (in code spans and code blocks, also as
 * `npm start -- …` and `dist/proxy/cli.js …`) names subcommands and options the CLI really has, and
 * every value list it gives for an option with fixed choices (`--format text|json|csv`) is among
 * them. Read from the commander definitions themselves, so a renamed flag fails here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, type Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { batchCommand } from '../../../proxy/src/cli/batch';
import { cacheCommand } from '../../../proxy/src/cli/cache';
import { lintCommand } from '../../../proxy/src/cli/lint';
import { modelCommand } from '../../../proxy/src/cli/model';
import { policyCommand } from '../../../proxy/src/cli/policy';
import { reportCommand } from '../../../proxy/src/cli/report';
import { routerCommand } from '../../../proxy/src/cli/router';
import { startCommand } from '../../../proxy/src/cli/start';
import { codeLines, codeSpans, docFiles, read, root, type Snippet } from './docText';

const factories = { startCommand, policyCommand, lintCommand, reportCommand, cacheCommand, modelCommand, routerCommand, batchCommand };

/** The `tollgate` program as main.ts assembles it (main.ts itself parses argv on import). */
function program(): Command {
  const p = new Command('tollgate').version('0');
  for (const f of Object.values(factories)) p.addCommand(f());
  return p;
}

/** A command line as the docs write it: `tollgate policy init \| validate`, `[--port N]`, `<dir>`. */
function invocations(s: Snippet): Array<Snippet> {
  // `npm start -- …` runs `node dist/proxy/cli.js start …` (package.json); the extension spawns `dist/proxy/cli.js start …`.
  const text = s.text.replace(/\bnpm start -- /g, 'tollgate start ').replace(/(?:^|\s)\S*cli\.js (?=[a-z])/g, ' tollgate ');
  const out: Snippet[] = [];
  // Not `.tollgate/`, `tollgate-0.1.0.tgz`, `tollgate.nodePath` or `tollgate:` (an error message).
  // A shell comment may hold another command line (`npm start -- --port 4141  # or: tollgate start --port 4141`).
  for (const segment of text.split(/\s+#\s*/)) {
    for (const m of segment.matchAll(/(?<![\w./-])tollgate ((?:[a-z][\w|-]*(?=[\s`]|$)|--?[a-z]).*)$/gm)) {
      // `;`, an arrow or (in a block without a language) a literal backtick ends the command line.
      const line = m[1]!.split(/\s;|\s→|`/)[0]!;
      out.push({ where: s.where, text: `tollgate ${line.trim()}` });
    }
  }
  return out;
}

function findOption(cmd: Command, name: string): Option | 'builtin' | undefined {
  if (name === '--help' || name === '-h') return 'builtin';
  const o = cmd.options.find((opt) => opt.long === name || opt.short === name);
  return o;
}

/** Problems with one command line, or [] when every word and flag exists. */
function check(root: Command, line: string): string[] {
  // `<VS Code global storage>` is one placeholder.
  const tokens = line.replace(/<[^<>]*>/g, (p) => p.replace(/\s+/g, '_')).split(/\s+/).slice(1);
  const problems: string[] = [];
  let cmd = root;
  let last: Command | undefined;
  let positionals = 0;
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i]!;
    if (raw === '|' || raw === '\\|') {
      // An alternative: the next word is a sibling of the last subcommand.
      if (last?.parent) cmd = last.parent;
      positionals = 0;
      continue;
    }
    const word = raw.replace(/^\[+/, '').replace(/\]+$/, '');
    if (word === '' || word === '…' || word === '...') continue;
    if (/^--?[A-Za-z]/.test(word)) {
      const [name, inline] = word.split('=', 2) as [string, string | undefined];
      const opt = findOption(cmd, name);
      if (!opt) {
        problems.push(`"${cmd.name()}" has no option ${name}`);
        break;
      }
      if (opt !== 'builtin' && (opt.required || opt.optional) && !opt.negate) {
        const value = inline ?? tokens[i + 1]?.replace(/^\[+/, '').replace(/\]+$/, '');
        if (inline === undefined) i++;
        const alternatives = value?.split(/\\?\|/) ?? [];
        if (opt.argChoices && alternatives.length > 1) {
          for (const v of alternatives) if (!opt.argChoices.includes(v)) problems.push(`"${cmd.name()} ${name}" has no choice "${v}" (it has ${opt.argChoices.join(', ')})`);
        }
      }
      continue;
    }
    if (positionals === 0 && cmd.commands.length > 0 && /^[a-z][\w-]*(\|[a-z][\w-]*)+$/.test(word)) {
      // `tollgate start|lint|cache`: each alternative is a subcommand.
      for (const alt of word.split('|')) if (!cmd.commands.some((c) => c.name() === alt)) problems.push(`"${cmd.name()}" has no subcommand "${alt}"`);
      break;
    }
    const sub = positionals === 0 ? cmd.commands.find((c) => c.name() === word || c.aliases().includes(word)) : undefined;
    if (sub) {
      cmd = sub;
      last = sub;
      continue;
    }
    if (cmd.commands.length > 0 && cmd.registeredArguments.length === 0) {
      problems.push(`"${cmd.name()}" has no subcommand "${word}" (it has ${cmd.commands.map((c) => c.name()).join(', ')})`);
      break;
    }
    positionals++;
    if (positionals > cmd.registeredArguments.length && !cmd.registeredArguments.at(-1)?.variadic) {
      problems.push(`"${cmd.name()}" takes no argument "${word}"`);
      break;
    }
  }
  return problems;
}

function docInvocations(file: string, text = read(file)): Snippet[] {
  const spans = codeSpans(file, text);
  // Shell blocks and blocks without a language (not YAML, TypeScript, JSON…: their `tollgate` is a key or a name).
  const lines = codeLines(file, text).filter((l) => ['', 'sh', 'shell', 'bash', 'console', 'text'].includes(l.lang));
  return [...spans, ...lines].flatMap(invocations);
}

describe('tollgate command lines in the docs', () => {
  const root = program();

  it('builds the same subcommands main.ts registers', () => {
    const main = read('proxy/src/cli/main.ts');
    const registered = [...main.matchAll(/program\.addCommand\((\w+)\(\)\)/g)].map((m) => m[1]);
    expect(registered.sort()).toEqual(Object.keys(factories).sort());
  });

  it('finds the command lines (the extractor is not blind) and catches a wrong one', () => {
    const all = docFiles.flatMap((f) => docInvocations(f));
    expect(all.length).toBeGreaterThan(30);
    expect(new Set(all.map((a) => a.text.split(' ')[1])).size).toBeGreaterThanOrEqual(8);
    const sample = docInvocations('x.md', 'Run `tollgate report --since today --by team`.\n\n```sh\nnpm start -- --port 0   # or tollgate start\ntollgate cache clear --older-than 3\n```\n');
    expect(sample.map((s) => s.text)).toEqual(['tollgate report --since today --by team', 'tollgate start --port 0', 'tollgate start', 'tollgate cache clear --older-than 3']);
    expect(sample.map((s) => check(root, s.text))).toEqual([[], [], [], ['"clear" has no option --older-than']]);
    expect(check(root, 'tollgate policy init \\| validate \\| lint')).toEqual(['"policy" has no subcommand "lint" (it has export, validate, schema, init, key-fingerprint)']);
    expect(check(root, 'tollgate start|lint|serve')).toEqual(['"tollgate" has no subcommand "serve"']);
    expect(docInvocations('x.md', '```\ntollgate lint: skipped <path>\n```\n')).toEqual([]);
    expect(check(root, 'tollgate report --by model\\|tier')).toEqual(['"report --by" has no choice "tier" (it has model, feature, team, user, provider, cache, endpoint)']);
    expect(check(root, 'tollgate start <VS Code global storage>')).toEqual(['"start" takes no argument "<VS_Code_global_storage>"']);
  });

  for (const f of docFiles) {
    it(`${f}: every tollgate subcommand, option and listed choice exists`, () => {
      const wrong = docInvocations(f).flatMap((s) => check(root, s.text).map((p) => `${s.where}: ${s.text} — ${p}`));
      expect(wrong).toEqual([]);
    });
  }
});

describe('npm scripts and test paths in the docs', () => {
  const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
  const lines = (f: string) => [...codeSpans(f), ...codeLines(f)];

  for (const f of docFiles) {
    it(`${f}: every npm run script, bench section and vitest path exists`, () => {
      const wrong: string[] = [];
      for (const s of lines(f)) {
        for (const m of s.text.matchAll(/\bnpm run ([\w:-]+)(?: -- ([a-z][\w-]*))?/g)) {
          if (!scripts.includes(m[1]!)) wrong.push(`${s.where}: npm run ${m[1]} (no such script)`);
          else if (m[1] === 'bench' && m[2] && !existsSync(join(root, 'bench/sections', `${m[2]}.bench.ts`))) wrong.push(`${s.where}: npm run bench -- ${m[2]} (no such section)`);
        }
        for (const m of s.text.matchAll(/\bnpx vitest run (test\/[\w./-]+)/g)) if (!existsSync(join(root, m[1]!))) wrong.push(`${s.where}: ${m[1]} does not exist`);
      }
      expect(wrong).toEqual([]);
    });
  }
});
