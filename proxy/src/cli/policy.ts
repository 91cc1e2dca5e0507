/**
 * `tollgate policy export|validate|schema|init`: the team policy as a file you can check, document
 * and turn into production gateway configs (LiteLLM, Portkey, Bifrost).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_CODES } from '../../../contract/process';
import { DEFAULT_EXPORT_DIR, DEFAULT_POLICY_FILE, EXPORT_TARGETS, isExportTarget, planExport, type ExportTarget } from '../export';
import { brokenLinkOnPath, entryExists } from '../policy/files';
import { formatProblem, locateAll, parsePolicy } from '../policy/load';
import { policyJsonSchema } from '../policy/schema';
import { policyTextOf, readPolicyText } from '../policy/store';
import { checkPolicyTrust, describeFinding, userTrustFromEnv } from '../policy/trust';
import { locatedWarnings } from '../policy/warnings';
import { keyFingerprintCommand } from './keyFingerprint';
import { displayPath, printable, printableLines, readStdin, resolveFrom, shellQuote, writeText } from './common';
import { defaultPolicyFile, existingWorkspacePolicy, missingPolicyHint, pipeNamed, policyRoot } from './paths';

/** Where the command prints; tests pass their own, the CLI uses the process streams. */
export interface PolicyCommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Directory relative paths resolve against (default: process.cwd()). */
  cwd?: string;
  /** The user's environment for the trust rules (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Records a failing exit status (default: sets process.exitCode, so the CLI exits after flushing output). */
  fail?: (code: number) => void;
  /** Path semantics (default node:path; tests pass path.win32 or path.posix). */
  path?: typeof nodePath.posix;
}

const processIO: PolicyCommandIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const SCHEMA_FILE = 'policy.schema.json';

/** Names people give the policy that the default lookup (.tollgate/policy.yaml|yml) does not read. */
const MISPLACED_POLICY_NAMES = [
  'tollgate.policy.yaml',
  'tollgate.policy.yml',
  'tollgate.yaml',
  'tollgate.yml',
  '.tollgate.yaml',
  '.tollgate.yml',
  '.tollgate/tollgate.yaml',
  '.tollgate/tollgate.yml',
  '.tollgate/policy.json',
];

/** A commented starter policy: valid as written, every section explained. */
export function starterPolicy(): string {
  return `# yaml-language-server: $schema=./${SCHEMA_FILE}
# Tollgate team policy. Every field is optional; see \`tollgate policy schema\` for the full reference.
version: 1

# Upstreams. "openai" and "anthropic" exist by default; keys come from environment variables, never this file.
providers:
  openai:
    apiKeyEnv: OPENAI_API_KEY
  anthropic:
    apiKeyEnv: ANTHROPIC_API_KEY

# Exact cache always; semantic cache (same meaning, different words) when enabled.
cache:
  enabled: true
  ttlSeconds: 604800
  semantic:
    enabled: false

# Model tiers per provider; rules send matching requests to a tier or a model.
routing:
  tiers:
    openai: { small: gpt-4o-mini, medium: gpt-4o }
  rules: []

# Spend limits per UTC day, week or month; scope by team, user, feature or key fingerprint, each a name or a
# glob (* and ?) whose matches share one budget (empty scope = everyone).
budgets: []
#  - name: team-monthly
#    scope: { team: search }
#    period: month
#    usd: 200

rateLimits: []

retries:
  attempts: 2

# After retries: other models to try, in order. Request bodies are relayed untranslated, so a call
# only falls back to a target of its own wire protocol (OpenAI or Anthropic); others are skipped.
fallbacks: []
#  - from: gpt-4o
#    to: [gpt-4.1, gpt-4o-mini]
#  - from: claude-sonnet-*
#    to: [anthropic/claude-haiku-4-5]
`;
}

function collectTarget(value: string, previous: ExportTarget[] | undefined): ExportTarget[] {
  if (!isExportTarget(value)) throw new InvalidArgumentError(`unknown target "${value}" (choose ${EXPORT_TARGETS.join(', ')})`);
  const list = previous ?? [];
  return list.includes(value) ? list : [...list, value];
}

export function policyCommand(streams: PolicyCommandIO = processIO): Command {
  // Problems and warnings quote the policy file — often a cloned repository's — and the keys and
  // values it holds: a control character in them must not reach the terminal or CI log raw (an
  // escape sequence, a line break forging a "file:line:col" problem). Every line written goes
  // through here; stderr lines are one message each, so their line breaks are escaped too.
  const io: PolicyCommandIO = { ...streams, out: (line) => streams.out(printableLines(line)), err: (line) => streams.err(printable(line)) };
  const cwd = (): string => io.cwd ?? process.cwd();
  const fail =
    io.fail ??
    ((code: number) => {
      process.exitCode = code;
    });
  const path = io.path ?? nodePath;
  const resolve = (p: string): string => resolveFrom(cwd(), p, path);
  const rel = (p: string): string => displayPath(cwd(), p, path);
  const cmd = new Command('policy').description('validate, document and export the team policy');

  cmd
    .command('export')
    .description('generate LiteLLM / Portkey / Bifrost configs from the policy')
    .addOption(
      new Option('--target <target>', `gateway to export for, repeatable (${EXPORT_TARGETS.join('|')})`).argParser(collectTarget).makeOptionMandatory(),
    )
    .option('--policy <file>', 'policy file (default: .tollgate/policy.yaml or policy.yml here, else in the nearest folder above up to the repository root)')
    .option('--out <dir>', `output root; each target is written to <dir>/<target>/ (default: ${DEFAULT_EXPORT_DIR} at the repository root, else here)`)
    .option('--check', 'write nothing; exit 1 when the files on disk differ from what would be generated')
    .action((opts: { target: ExportTarget[]; policy?: string; out?: string; check?: boolean }) => {
      const policyFile = resolve(opts.policy ?? defaultPolicyFile(cwd()));
      // From any folder of a repository as from its root: from `src/` they went to `src/.tollgate/exports`
      // and named their source `../.tollgate/policy.yaml`, so `export --check` at the root found them stale.
      const root = policyRoot(cwd());
      const outDir = opts.out !== undefined ? resolve(opts.out) : join(root, DEFAULT_EXPORT_DIR);
      // planExport reads the policy as validate and start do (a symlink to nothing says so; only a
      // sane .yaml file) and checks every output path before reading it.
      const plan = planExport({ policyFile, targets: opts.target, outDir, root });
      if (!plan.ok) {
        for (const p of plan.problems) io.err(formatProblem(p));
        fail(1);
        return;
      }
      for (const w of plan.warnings) io.err(`warning: ${w.target}: ${w.field}: ${w.message}`);
      const changed = plan.files.filter((f) => f.changed);
      if (opts.check) {
        for (const f of changed) io.out(`${f.existing === undefined ? 'missing' : 'stale'}: ${rel(f.path)}`);
        if (changed.length > 0) {
          // The command that regenerates exactly what was checked: same targets, policy and output root.
          const rerun = [
            ...opts.target.map((t) => `--target ${t}`),
            ...(opts.policy !== undefined ? [`--policy ${shellQuote(opts.policy)}`] : []),
            ...(opts.out !== undefined ? [`--out ${shellQuote(opts.out)}`] : []),
          ];
          io.err(`${changed.length} exported file(s) are out of date; run: tollgate policy export ${rerun.join(' ')}`);
          fail(1);
        } else io.out(`exports are up to date (${plan.files.length} files)`);
        return;
      }
      for (const f of plan.files) {
        if (f.changed) {
          mkdirSync(dirname(f.path), { recursive: true });
          writeText(f.path, f.content);
        }
        io.out(`${f.changed ? 'wrote' : 'unchanged'}: ${rel(f.path)}`);
      }
      io.out(`${plan.warnings.length} difference(s) from Tollgate in production; each says what to set on the gateway (README.md beside each export)`);
    });

  cmd
    .command('validate')
    .description('check a policy file and print problems as file:line:col')
    .argument('[file]', 'policy file, or - for standard input (default: .tollgate/policy.yaml or policy.yml here, else in the nearest folder above up to the repository root)')
    // The flag `start` and `export` take: `validate --policy x` was refused as an unknown option.
    .option('--policy <file>', 'policy file (same as the [file] argument)')
    .action(async (given: string | undefined, opts: { policy?: string }, command: Command) => {
      // A usage error, said and exited as commander's own (EXIT_CODES.usage from the CLI).
      if (given !== undefined && opts.policy !== undefined && given !== opts.policy)
        command.error(`error: give the policy file once, as an argument or with --policy, not both ("${given}" and --policy "${opts.policy}")`, { exitCode: EXIT_CODES.usage });
      const named = given ?? opts.policy ?? defaultPolicyFile(cwd());
      const file = named === '-' ? '<stdin>' : named;
      const abs = resolve(file);
      // A symlink to nothing is not "not found" (nor a place for `policy init`): readPolicyText says what it is.
      const pipe = pipeNamed(named);
      if (!pipe && !entryExists(abs)) {
        // A policy under a name Tollgate does not look for is otherwise never applied by `start` either.
        const elsewhere = given === undefined && opts.policy === undefined ? MISPLACED_POLICY_NAMES.find((n) => existsSync(resolve(n))) : undefined;
        // Without a file of their own, the next step a first-time user needs is the starter file.
        const next = elsewhere
          ? `found ${elsewhere}, which Tollgate does not read by default: move it to ${file}, or pass --policy ${shellQuote(elsewhere)} to start and validate`
          : given === undefined && opts.policy === undefined
            ? '`tollgate policy init` writes a commented starter there'
            : missingPolicyHint(abs, file);
        io.err(`${file}:1:1: policy file not found; ${next}`);
        fail(1);
        return;
      }
      // Read to its end whatever its name (`/dev/stdin`, `/dev/fd/63`): a pipe is no .yaml file, nor has a size before it is read.
      const piped = pipe ? await (pipe === 'stdin' ? readStdin() : readFile(abs)) : undefined;
      // Nothing piped in is the command before the pipe failing (`git show` of a path not committed), not an empty policy.
      const read = !piped ? readPolicyText(abs) : piped.length ? policyTextOf(piped) : { problem: 'nothing piped in (did the command before the pipe fail?)' };
      if ('problem' in read) {
        io.err(`${file}:1:1: ${read.problem}`);
        fail(1);
        return;
      }
      const result = parsePolicy(read.text, file);
      if (!result.ok) {
        for (const p of result.problems) io.err(formatProblem(p));
        fail(1);
        return;
      }
      // Where secrets may go: decided by the user's environment, never by the file (policy/trust.ts).
      const trust = checkPolicyTrust(result.policy, userTrustFromEnv(io.env ?? process.env), true);
      for (const p of locateAll(read.text, file, trust.problems)) io.err(formatProblem(p));
      if (trust.problems.length) {
        fail(1);
        return;
      }
      for (const f of trust.findings) io.err(`warning: ${file}: ${describeFinding(f)}`);
      // Valid, but probably not what was meant (a rule that never applies, a model the API does not know).
      const warnings = locatedWarnings(result.policy, read.text, file);
      for (const w of warnings) io.err(`warning: ${formatProblem(w)}`);
      // Everything commented out is valid, but is no policy at all: say so rather than a bare "ok".
      const bare = read.text.split(/\r?\n/).every((l) => /^\uFEFF?\s*(#.*)?$/.test(l) || /^(---|\.\.\.)\s*$/.test(l));
      const notes = [
        ...(bare ? ['no settings: the built-in defaults apply, with no budgets, rate limits or routing'] : []),
        ...(trust.findings.length ? [`${trust.findings.length} provider host(s) need your approval before keys are sent`] : []),
        ...(warnings.length ? [`${warnings.length} warning(s)`] : []),
      ];
      io.out(`${file}: ok${notes.length ? ` (${notes.join('; ')})` : ''}`);
    });

  cmd
    .command('schema')
    .description('print the policy JSON Schema (for editors and CI)')
    .action(() => io.out(JSON.stringify(policyJsonSchema(), null, 2)));

  cmd
    .command('init')
    .description(`write a commented starter ${DEFAULT_POLICY_FILE} at the repository root, else here (never overwrites)`)
    .action(() => {
      // At the repository's root, where start and validate look from any folder in it (written in `src/`,
      // it applied there only). Any policy they read from here counts: a new policy.yaml beside an
      // existing policy.yml would take its place (policy.yaml is read first) and drop the team's budgets.
      const target = join(policyRoot(cwd()), DEFAULT_POLICY_FILE);
      const found = existingWorkspacePolicy(cwd());
      if (found !== undefined) {
        const at = resolve(found);
        // The link may be the file or its directory (`.tollgate` linked to a checkout not present).
        const broken = brokenLinkOnPath(at);
        const link = broken && (broken.link === at ? found : rel(broken.link));
        io.err(
          broken !== undefined
            ? `${link} is a symbolic link to ${broken.target}, which ${broken.loop ? 'loops' : 'does not exist'}; not writing through it: restore that ${link === found ? 'file' : 'directory'}, or remove the link and run \`tollgate policy init\` again`
            : `${found} already exists; not overwriting it${at === target ? '' : ` (it is the policy Tollgate reads${dirname(at) === dirname(target) ? `; a new ${rel(target)} would take its place` : ' here'})`}`,
        );
        fail(1);
        return;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeText(target, starterPolicy(), 'wx');
      const schema = join(dirname(target), SCHEMA_FILE);
      // 'wx' never follows a symlink (a repository's link pointing outside it) nor replaces a file.
      let wroteSchema = true;
      try {
        writeText(schema, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`, 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        wroteSchema = false;
      }
      io.out(`wrote ${rel(target)}${wroteSchema ? ` and ${rel(schema)}` : ''}`);
    });

  return cmd.addCommand(keyFingerprintCommand());
}
