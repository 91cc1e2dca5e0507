/**
 * `tollgate batch`: run work that can wait at the providers' batch price, through a running proxy.
 *   submit <file.jsonl>   submit, follow with progress, write results beside the input, print the saving
 *   opportunities         which features' calls would be cheaper as batch or flex (from the ledger)
 *   from-ledger           a batch file from the captured request bodies of one feature's calls (batch.capture)
 */
import { Command } from 'commander';
import { ENV } from '../../../contract/process';
import { CliError, describeFailure, isUnreachable, numberOption, printableLines, proxyUnreachable, resolveFrom } from './common';
import { defaultProxyUrl } from './paths';

/** --proxy's help: the default is worked out when a command runs (a bad $TOLLGATE_PORT is then a usage error of that command only). */
const PROXY_HELP = 'the running proxy (default: http://127.0.0.1:$TOLLGATE_PORT, else port 4141)';

/**
 * Every subcommand's failure as one line (main.ts prints it, exit 1): an unreachable proxy says so
 * and how to start it; a file problem names the file; anything else keeps the library's message.
 */
function batchFailure(proxy: string, err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (isUnreachable(err)) return new CliError(`batch: ${proxyUnreachable(proxy, err)}`);
  return new CliError(`batch: ${describeFailure(err) ?? (err as Error).message}`);
}

export function batchCommand(): Command {
  const cmd = new Command('batch').description('submit work that can wait at the batch price (50 % off), and find what could move there');
  cmd
    .command('submit <file>')
    .description('submit a JSONL of requests (OpenAI batch lines or Anthropic {custom_id, params} lines) through the proxy and wait for the results')
    .option('--proxy <url>', PROXY_HELP)
    .option('--team <team>', 'x-tollgate-team tag for every request')
    .option('--feature <feature>', 'x-tollgate-feature tag for every request')
    .option('--user <user>', 'x-tollgate-user tag for every request')
    .option('--no-cache', 'send every line to the provider, even those the cache could answer')
    .option('--poll-seconds <n>', 'how often to check the batch (at least 1)', numberOption({ min: 1, unit: 'seconds' }), 10)
    .option('--max-wait-minutes <n>', 'stop waiting after this long (the batch goes on at the provider)', numberOption({ min: 0, minExclusive: true, unit: 'minutes' }), 1440)
    .action(async function (this: Command, file: string, opts: { proxy?: string; team?: string; feature?: string; user?: string; cache: boolean; pollSeconds: number; maxWaitMinutes: number }) {
      const proxy = opts.proxy ?? defaultProxyUrl(this);
      const { submitBatch, formatReport } = await import('../batch/client');
      try {
        const report = await submitBatch({
          file,
          proxy,
          tags: { ...(opts.team ? { team: opts.team } : {}), ...(opts.feature ? { feature: opts.feature } : {}), ...(opts.user ? { user: opts.user } : {}) },
          ...(opts.cache === false ? { noCache: true } : {}),
          pollMs: opts.pollSeconds * 1000,
          maxWaitMs: opts.maxWaitMinutes * 60_000,
          out: process.stderr,
        });
        // Results quote the provider's error messages and the batch file's own ids.
        console.log(printableLines(formatReport(report)));
        if (!['completed', 'ended'].includes(report.status)) process.exitCode = 1;
      } catch (err) {
        throw batchFailure(proxy, err);
      }
    });
  cmd
    .command('opportunities')
    .description('per feature: what its calls would have cost as batch or flex, and whether it looks latency-tolerant')
    .option('--proxy <url>', PROXY_HELP)
    .option('--days <n>', 'look back this many days', numberOption({ min: 0, minExclusive: true, unit: 'days' }), 7)
    .option('--admin-token <token>', 'the proxy admin token ($TOLLGATE_ADMIN_TOKEN)')
    .action(async function (this: Command, opts: { proxy?: string; days: number; adminToken?: string }) {
      const proxy = opts.proxy ?? defaultProxyUrl(this);
      const token = opts.adminToken ?? process.env[ENV.adminToken];
      const since = Date.now() - opts.days * 86_400_000;
      let res: Response;
      try {
        res = await fetch(`${proxy.replace(/\/+$/, '')}/tollgate/batch/opportunities?from=${since}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      } catch (err) {
        throw batchFailure(proxy, err);
      }
      if (!res.ok) throw new CliError(`batch: the proxy answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
      const { formatOpportunities } = await import('../batch/opportunities');
      console.log(printableLines(formatOpportunities((await res.json()) as Parameters<typeof formatOpportunities>[0])));
    });
  cmd
    .command('from-ledger')
    .description('write a batch input file (JSONL) from the captured request bodies of one feature\'s calls; needs batch.capture in the policy')
    .requiredOption('--feature <feature>', 'the feature tag whose calls to re-run')
    .requiredOption('--since <when>', 'yesterday, today, YYYY-MM-DD, an ISO date-time or epoch ms (local time)')
    .option('--until <when>', 'end of the period (a bare date includes that day); default: end of yesterday for --since yesterday, else now')
    .option('--provider <name>', 'only calls sent to this provider (openai, anthropic, or a policy provider)')
    .requiredOption('--out <file>', 'where to write the JSONL')
    .option('--proxy <url>', PROXY_HELP)
    .option('--admin-token <token>', 'the proxy admin token ($TOLLGATE_ADMIN_TOKEN)')
    .action(async function (this: Command, opts: { feature: string; since: string; until?: string; provider?: string; out: string; proxy?: string; adminToken?: string }) {
      const proxy = opts.proxy ?? defaultProxyUrl(this);
      const adminToken = opts.adminToken ?? process.env[ENV.adminToken];
      const { batchFromLedger, formatFromLedger } = await import('../batch/fromLedger');
      try {
        const report = await batchFromLedger({
          proxy,
          feature: opts.feature,
          since: opts.since,
          out: resolveFrom(process.cwd(), opts.out),
          ...(opts.until ? { until: opts.until } : {}),
          ...(opts.provider ? { provider: opts.provider } : {}),
          ...(adminToken ? { adminToken } : {}),
        });
        console.log(printableLines(formatFromLedger(report)));
      } catch (err) {
        throw batchFailure(proxy, err);
      }
    });
  return cmd;
}
