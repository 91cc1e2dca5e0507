/**
 * `tollgate start`: run the proxy in the foreground until SIGINT/SIGTERM. A second signal, or a
 * shutdown that takes longer than STOP_GRACE_MS, exits at once (EXIT_FAILURE, database closed).
 */
import { ENV, EXIT_CODES, STOP_GRACE_MS, STOP_MESSAGE } from '../../../contract/process';
import { join } from 'node:path';
import { Command } from 'commander';
import { CacheKeyError } from '../cache/encryption';
import { PolicyError } from '../policy/store';
import { PortInUseError, startProxy } from '../server/start';
import { formatProblem } from '../policy/load';
import { CliError, describeFailure, EXIT_FAILURE, parsePort, printable, resolveFrom } from './common';
import { entryExists } from '../policy/files';
import { prepareDataDir } from './dataDb';
import { dataDirFrom, dataDirOption, existingWorkspacePolicy, missingPolicyHint, portFromEnv } from './paths';


export interface StopTarget {
  close(): Promise<void>;
  /** Closed before a forced exit so SQLite's WAL is checkpointed when possible. */
  services?: { db?: { close(): void }; ledger?: { close(): unknown } };
}

export interface StopOptions {
  graceMs?: number;
  exit?: (code: number) => void;
  log?: (line: string) => void;
  /** 'message': the supervisor's STOP_MESSAGE over its IPC channel. */
  on?: (event: 'SIGINT' | 'SIGTERM' | 'message', listener: () => void) => void;
}

/** Rows held back while the disk was full or the file locked get their last chance to be written. */
function closeData(proxy: StopTarget): void {
  try {
    proxy.services?.ledger?.close();
    proxy.services?.db?.close();
  } catch {
    // already closed, or busy: exiting is what matters now
  }
}

/**
 * SIGINT/SIGTERM, or the supervisor's STOP_MESSAGE (Windows has no SIGTERM a process can catch), stop
 * the proxy and exit 0. While it stops, a second one or the grace period running out closes the
 * database (if it can) and exits EXIT_FAILURE, so a hung shutdown never needs SIGKILL.
 */
export function handleStopSignals(proxy: StopTarget, o: StopOptions = {}): void {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const log = o.log ?? ((line: string) => console.error(line));
  const on = o.on ?? ((event, listener) => void process.on(event, event === 'message' ? (m: unknown) => (m as { type?: unknown } | null)?.type === STOP_MESSAGE.type && listener() : listener));
  const graceMs = o.graceMs ?? STOP_GRACE_MS;
  let stopping = false;
  let done = false;
  const finish = (code: number): void => {
    if (done) return;
    done = true;
    exit(code);
  };
  const force = (why: string): void => {
    if (done) return;
    log(`[tollgate] ${why}; exiting without a clean shutdown`);
    closeData(proxy);
    finish(EXIT_FAILURE);
  };
  const stop = (): void => {
    if (stopping) {
      force('second signal');
      return;
    }
    stopping = true;
    log(`[tollgate] stopping… (send the signal again to force; gives up after ${Math.round(graceMs / 1000)} s)`);
    // Not unref'd: a close() that hangs on a promise alone must still end in this exit, not a silent 0.
    const timer = setTimeout(() => force(`shutdown did not finish in ${Math.round(graceMs / 1000)} s`), graceMs);
    const clear = (): void => clearTimeout(timer);
    proxy.close().then(
      () => {
        clear();
        finish(0);
      },
      (err: unknown) => {
        clear();
        log(`[tollgate] error while stopping: ${(err as Error).message}`);
        finish(EXIT_FAILURE);
      },
    );
  };
  on('SIGINT', stop);
  on('SIGTERM', stop);
  on('message', stop);
}

export function startCommand(): Command {
  return new Command('start')
    .description('Run the proxy on 127.0.0.1 (foreground). Apps use http://127.0.0.1:<port>/v1 as their base URL.')
    .option('-p, --port <port>', 'port to listen on (default: $TOLLGATE_PORT, else server.port from the policy, else 4141)', parsePort)
    .addOption(dataDirOption())
    .option('--policy <file>', 'policy file (default: .tollgate/policy.yaml or policy.yml here, else in the nearest folder above up to the repository root)')
    .action(async function (this: Command, opts: { port?: number; dataDir?: string; policy?: string }) {
      // The flag wins over the environment, the environment over the policy file's server.port.
      const port = opts.port ?? portFromEnv(this);
      const dataDir = dataDirFrom(opts.dataDir);
      const found = opts.policy ?? existingWorkspacePolicy();
      const policyFile = found !== undefined ? resolveFrom(process.cwd(), found) : undefined;
      // Nothing at the path is "not found"; a symlink to nothing is a policy that cannot be read,
      // which the policy store refuses below with the link and its missing target named.
      if (opts.policy && !entryExists(policyFile!)) {
        // A mistyped path is the usual cause; a first policy comes from `policy init`.
        console.error(`tollgate: policy file not found: ${policyFile}; ${missingPolicyHint(policyFile!, policyFile!)}`);
        process.exit(EXIT_CODES.badConfig);
      }
      // Log lines quote what clients and the policy file chose (model names, policy keys and values,
      // relayed error text): one message is one line, its control characters escaped, so an escape
      // sequence cannot reach the terminal and a line break cannot forge a `[tollgate] …` line.
      const line = (prefix: string) => (m: string) => console.error(`[tollgate] ${prefix}${printable(m)}`);
      const log = {
        info: line(''),
        warn: line('warning: '),
        error: line('error: '),
        ...(process.env.TOLLGATE_DEBUG === '1' ? { debug: line('debug: ') } : {}),
      };
      let proxy: Awaited<ReturnType<typeof startProxy>>;
      try {
        prepareDataDir(dataDir);
        proxy = await startProxy({
          ...(port !== undefined ? { port } : {}),
          dataDir,
          ...(policyFile ? { policyFile } : {}),
          ...(process.env[ENV.adminToken] ? { adminToken: process.env[ENV.adminToken] } : {}),
          log,
        });
      } catch (err) {
        if (err instanceof PortInUseError) {
          console.error(`tollgate: port ${err.port} is in use. Stop the other process or choose another port with --port.`);
          process.exit(EXIT_CODES.portInUse);
        }
        if (err instanceof CacheKeyError) {
          console.error(`tollgate: ${err.message}`);
          process.exit(EXIT_CODES.badConfig);
        }
        if (err instanceof PolicyError) {
          // One line per problem, as `policy validate` prints them: each quotes the file's own text.
          console.error(['tollgate: invalid policy:', ...err.problems.map((p) => `  ${printable(formatProblem(p))}`)].join('\n'));
          process.exit(EXIT_CODES.badConfig);
        }
        // Past a port it may not listen on: a data directory that is a file, not writable, or holds a
        // tollgate.db that is not SQLite, damaged or newer. Its own exit code: a supervisor says why at once, not after restarts.
        const message = describeFailure(err, join(dataDir, 'tollgate.db'));
        if (message) throw new CliError(message, (err as NodeJS.ErrnoException).syscall === 'listen' ? EXIT_FAILURE : EXIT_CODES.dataDirUnusable);
        throw err;
      }
      // One write: a reader that sees the first line (a supervisor, a script) sees the whole banner.
      const banner = [
        `tollgate listening on ${proxy.url}`,
        `  OpenAI SDKs:    base URL ${proxy.url}/v1`,
        `  Anthropic SDKs: base URL ${proxy.url}`,
        `  data:           ${dataDir}`,
        `  policy:         ${policyFile ?? '(built-in defaults)'}`,
        ...(process.env[ENV.adminToken] ? [] : [`  admin token:    ${proxy.adminToken}`]),
      ];
      console.log(banner.join('\n'));
      handleStopSignals(proxy);
      // Any other exit (a log that can no longer be written, common.ts ignoreBrokenPipes) keeps that promise too.
      process.once('exit', () => closeData(proxy));
    });
}
