/**
 * Runs `tollgate policy …` in-process (the real commander program, exits captured instead of
 * ending the test runner), for tests of the policy subcommands' output and exit codes.
 */
import { policyCommand } from '../../proxy/src/cli/policy';

export interface PolicyCliRun {
  out: string[];
  err: string[];
  code: number;
}

export async function runPolicyCli(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<PolicyCliRun> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const cmd = policyCommand({ out: (l) => out.push(l), err: (l) => err.push(l), cwd, ...(env ? { env } : {}), fail: (c) => (code = c) });
  for (const c of [cmd, ...cmd.commands]) c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  try {
    await cmd.parseAsync(args, { from: 'user' });
  } catch (e) {
    code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  return { out, err, code };
}
