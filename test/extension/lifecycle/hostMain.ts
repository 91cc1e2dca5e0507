/**
 * A stand-in extension host for lifecycle tests: supervises the real proxy CLI with the
 * extension's ProxySupervisor and prints `{ state, pid }` as one JSON line once it runs. A test
 * then kills this process the way VS Code ends a host that overran deactivate (SIGKILL).
 * Args: cliPath port dataDir adminToken. Bounded lifetime: 2 minutes.
 */
import { ProxySupervisor } from '../../../extension/src/proxy/supervisor';

const [cliPath, port, dataDir, adminToken] = process.argv.slice(2);
const supervisor = new ProxySupervisor({ log: (l) => process.stderr.write(`[host] ${l}\n`), startTimeoutMs: 60_000 });
const state = await supervisor.start({ nodePath: process.execPath, cliPath: cliPath!, port: Number(port), dataDir: dataDir!, env: { TOLLGATE_ADMIN_TOKEN: adminToken!, TOLLGATE_MODEL_DOWNLOAD: '0' } });
process.stdout.write(`${JSON.stringify({ state, pid: supervisor.pid })}\n`);
setTimeout(() => void supervisor.stop().then(() => process.exit(0)), 120_000);
