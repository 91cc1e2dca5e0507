/**
 * Runs a Tollgate proxy as its own process with this process's environment, as the CLI and the
 * extension do: NODE_EXTRA_CA_CERTS is read by Node only when a process starts, so a test that
 * trusts a generated CA starts the proxy here. argv[2]: JSON { dataDir, policy }. Prints
 * `READY <url> <adminToken>`; log lines go to stderr. Exits on SIGTERM, stdin closing, or after 90 s.
 */
import { PolicySchema } from '../../../proxy/src/policy/schema';
import { startProxy } from '../../../proxy/src/server/start';

const { dataDir, policy } = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; policy: unknown };
const line = (level: string) => (m: string) => process.stderr.write(`[${level}] ${m}\n`);
const proxy = await startProxy({ port: 0, dataDir, policy: PolicySchema.parse(policy), log: { info: line('info'), warn: line('warn'), error: line('error') } });
process.stdout.write(`READY ${proxy.url} ${proxy.adminToken}\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void proxy.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(stop, 90_000).unref();
