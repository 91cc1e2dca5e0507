/**
 * The `tollgate` command. Each subcommand lives in its own file; commands that need heavy
 * modules load them lazily so `--help` stays instant.
 */
import { Command } from 'commander';
import { EXIT_CODES } from '../../../contract/process';
import { VERSION_LINE } from '../version';
import { batchCommand } from './batch';
import { cacheCommand } from './cache';
import { CliError, describeFailure, EXIT_FAILURE, ignoreBrokenPipes, printable, printableLines, withOptionHint } from './common';
import { lintCommand } from './lint';
import { modelCommand } from './model';
import { pipeNamed } from './paths';
import { policyCommand } from './policy';
import { reportCommand } from './report';
import { routerCommand } from './router';
import { startCommand } from './start';

ignoreBrokenPipes();

const program = new Command('tollgate')
  .description('Tollgate: keep LLM API spend under control — a local OpenAI/Anthropic proxy with caching, budgets and a cost ledger.')
  .version(VERSION_LINE)
  .showHelpAfterError();

program.addCommand(startCommand());
program.addCommand(policyCommand());
program.addCommand(lintCommand());
program.addCommand(reportCommand());
program.addCommand(cacheCommand());
program.addCommand(modelCommand());
program.addCommand(routerCommand());
program.addCommand(batchCommand());

/**
 * Usage errors (unknown command or option, bad value, missing argument) exit with EXIT_CODES.usage
 * in every subcommand, so scripts and the extension's supervisor can tell them from a failure
 * (commander's own default is 1). Help and --version still exit 0.
 */
function usageErrorsExit(cmd: Command): void {
  cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_CODES.usage));
  cmd.configureOutput({ outputError: (text, write) => write(withOptionHint(cmd, text)) });
  for (const sub of cmd.commands) usageErrorsExit(sub);
}
usageErrorsExit(program);

/**
 * A path option or operand (every operand is a path) given an empty value (`--data-dir "$DIR"`,
 * `lint "$SRC"` with the variable unset) is a usage error. Left to the commands, '' read as "not
 * given" (`start` ran on ~/.tollgate, `lint ''` linted nothing and passed) or as the current
 * directory (`export --out ''` wrote there, `--policy ''` named the directory).
 */
let running: Command | undefined;
program.hook('preAction', (_program, action) => {
  running = action;
  for (const option of action.options)
    if (/<(dir|file)>/.test(option.flags) && action.getOptionValue(option.attributeName()) === '')
      action.error(`error: option '${option.flags}' needs a path, got an empty value (an unset variable?)`);
  if (action.args.includes('')) action.error('error: a path argument is empty (an unset variable?)');
  // `start` rereads its policy on every change and `export` names it as its files' source: a pipe is neither.
  const policy = action.getOptionValue('policy');
  if (typeof policy === 'string' && action.name() !== 'validate' && pipeNamed(policy))
    action.error(`error: ${action.name()} needs the policy as a file, not standard input or a pipe (--policy ${printable(policy)}): save it, e.g. as .tollgate/policy.yaml; \`tollgate policy validate -\` checks a piped policy`);
});

/**
 * Runtime failures every command can meet (a path that is a file, no permission, a database that
 * is not SQLite, CliError) are one line naming the path and what to do, exit EXIT_FAILURE; anything
 * else is a bug and keeps its stack.
 */
try {
  await program.parseAsync(process.argv);
} catch (err) {
  // The hint names the option that picks another path for this command (`--out`), if it has one ('' for none).
  const pathFlag = running ? (running.options.find((o) => /<dir>/.test(o.flags))?.long ?? '') : '--data-dir';
  const message = describeFailure(err, undefined, pathFlag);
  if (message === undefined) throw err;
  // Messages name paths and relay what a proxy or provider answered: never raw control characters.
  console.error(`tollgate: ${printableLines(message)}`);
  process.exit(err instanceof CliError ? err.exitCode : EXIT_FAILURE);
}
