/**
 * The `tollgate` command. Each subcommand lives in its own file; commands that need heavy
 * modules load them lazily so `--help` stays instant.
 */
import { Command } from 'commander';
import { VERSION } from '../version';
import { batchCommand } from './batch';
import { cacheCommand } from './cache';
import { lintCommand } from './lint';
import { modelCommand } from './model';
import { policyCommand } from './policy';
import { routerCommand } from './router';
import { startCommand } from './start';

const program = new Command('tollgate')
  .description('Tollgate: keep LLM API spend under control — a local OpenAI/Anthropic proxy with caching, budgets and a cost ledger.')
  .version(VERSION)
  .showHelpAfterError();

program.addCommand(startCommand());
program.addCommand(policyCommand());
program.addCommand(lintCommand());
program.addCommand(cacheCommand());
program.addCommand(modelCommand());
program.addCommand(routerCommand());
program.addCommand(batchCommand());

await program.parseAsync(process.argv);
