/** `tollgate start`: run the proxy in the foreground until SIGINT/SIGTERM. */
import { ENV, EXIT_CODES } from '../../../contract/process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { CacheKeyError } from '../cache/encryption';
import { PolicyError } from '../policy/store';
import { PortInUseError, startProxy } from '../server/start';
import { DEFAULT_POLICY_PATH, defaultDataDir } from './paths';

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number from 0 to 65535');
  return n;
}

export const EXIT_PORT_IN_USE = EXIT_CODES.portInUse;
export const EXIT_BAD_POLICY = EXIT_CODES.badConfig;

export function startCommand(): Command {
  return new Command('start')
    .description('Run the proxy on 127.0.0.1 (foreground). Apps use http://127.0.0.1:<port>/v1 as their base URL.')
    .option('-p, --port <port>', 'port to listen on (default: server.port from the policy, else 4141)', parsePort)
    .option('-d, --data-dir <dir>', 'where the SQLite ledger/cache and models live (default: $TOLLGATE_DATA_DIR or ~/.tollgate)')
    .option('--policy <file>', `policy file (default: ./${DEFAULT_POLICY_PATH} when it exists)`)
    .action(async (opts: { port?: number; dataDir?: string; policy?: string }) => {
      const dataDir = opts.dataDir ? resolve(opts.dataDir) : defaultDataDir();
      const policyFile = opts.policy ? resolve(opts.policy) : existsSync(DEFAULT_POLICY_PATH) ? resolve(DEFAULT_POLICY_PATH) : undefined;
      if (opts.policy && !existsSync(policyFile!)) {
        console.error(`tollgate: policy file not found: ${policyFile}`);
        process.exit(EXIT_BAD_POLICY);
      }
      const log = {
        info: (m: string) => console.error(`[tollgate] ${m}`),
        warn: (m: string) => console.error(`[tollgate] warning: ${m}`),
        error: (m: string) => console.error(`[tollgate] error: ${m}`),
        ...(process.env.TOLLGATE_DEBUG === '1' ? { debug: (m: string) => console.error(`[tollgate] debug: ${m}`) } : {}),
      };
      let proxy;
      try {
        proxy = await startProxy({
          ...(opts.port !== undefined ? { port: opts.port } : {}),
          dataDir,
          ...(policyFile ? { policyFile } : {}),
          ...(process.env[ENV.adminToken] ? { adminToken: process.env[ENV.adminToken] } : {}),
          log,
        });
      } catch (err) {
        if (err instanceof PortInUseError) {
          console.error(`tollgate: port ${err.port} is in use. Stop the other process or choose another port with --port.`);
          process.exit(EXIT_PORT_IN_USE);
        }
        if (err instanceof CacheKeyError) {
          console.error(`tollgate: ${err.message}`);
          process.exit(EXIT_BAD_POLICY);
        }
        if (err instanceof PolicyError) {
          console.error(`tollgate: ${err.message}`);
          process.exit(EXIT_BAD_POLICY);
        }
        throw err;
      }
      console.log(`tollgate listening on ${proxy.url}`);
      console.log(`  OpenAI SDKs:    base URL ${proxy.url}/v1`);
      console.log(`  Anthropic SDKs: base URL ${proxy.url}`);
      console.log(`  data:           ${dataDir}`);
      console.log(`  policy:         ${policyFile ?? '(built-in defaults)'}`);
      if (!process.env[ENV.adminToken]) console.log(`  admin token:    ${proxy.adminToken}`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        console.error('[tollgate] stopping…');
        void proxy.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
