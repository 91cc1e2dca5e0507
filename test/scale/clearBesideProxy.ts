/**
 * Latency of calls through a live proxy while `tollgate cache clear` (the built CLI, dist/) runs
 * on the same data directory. Not a test; run by hand on a copy of a generated year:
 *
 *   npx tsx test/scale/clearBesideProxy.ts <dir>
 */
import { spawn } from 'node:child_process';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy } from '../../proxy/src/server/start';
import { startFakeUpstream } from '../support/fakeUpstream';
const dir = process.argv[2]!;
const up = await startFakeUpstream();
const policy = PolicySchema.parse({ ledger: { maxAgeDays: 3650, maxBytes: 16 * 1024 ** 3 }, providers: { openai: { baseUrl: up.openaiBaseUrl }, anthropic: { baseUrl: up.anthropicBaseUrl } } });
const proxy = await startProxy({ port: 0, dataDir: dir, policy, env: {} });
const miss = async (i: number) => { const t0 = performance.now(); const r = await fetch(`${proxy.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q ${i} ${Math.random()}` }] }) }); await r.text(); return [r.status, performance.now() - t0] as const; };
for (let i = 0; i < 20; i++) await miss(i);
const before = proxy.services.ledger.page({}, 1).total;
const cli = spawn('node', ['dist/proxy/cli.js', 'cache', 'clear', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
let done = false; let out = '';
cli.stdout.on('data', (d) => (out += d)); cli.stderr.on('data', (d) => (out += d));
const exited = new Promise((r) => cli.on('exit', (c) => { done = true; r(c); }));
const res: Array<readonly [number, number]> = [];
let i = 100;
while (!done) res.push(await miss(i++));
await exited;
const after = proxy.services.ledger.page({}, 1).total;
const lat = res.map((r) => r[1]).sort((a, b) => a - b);
console.log(out.trim());
const statuses: Record<number, number> = {};
for (const [status] of res) statuses[status] = (statuses[status] ?? 0) + 1;
console.log('calls during clear', res.length, 'statuses', JSON.stringify(statuses), 'p50', lat[Math.floor(lat.length / 2)]?.toFixed(0), 'max', lat.at(-1)?.toFixed(0), 'ledger rows added', after - before, 'of', res.length);
await proxy.close(); await up.close();
