/**
 * What `batch.capture` costs on the hot path: serial misses through three proxies in this process,
 * in front of one fake upstream, interleaved in rounds so drift hits all three alike —
 *  - no capture (baseline);
 *  - capture on for another feature ("eval"), calls tagged "chat": the case that must not slow down;
 *  - capture on for the calls' own feature: each call also writes its body.
 * Reported: client-side p50/p99 and the proxy's own overhead per call (ledger `overhead_ms`, which
 * excludes waiting on the upstream), each with its ratio to the baseline.
 */
import { Pool } from 'undici';
import { captureStore } from '../../proxy/src/batch/capture';
import { percentile, timeSerial, type BenchRow, type BenchSection } from '../lib';
import { startHarness, type Harness } from '../../test/support/harness';

const ROUNDS = Number(process.env.BENCH_CAPTURE_ROUNDS ?? 10);
const PER_ROUND = Number(process.env.BENCH_CAPTURE_PER_ROUND ?? 60);

let counter = 0;
const payload = () => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Grade strictly.' }, { role: 'user', content: `capture bench ${counter++} ${'context '.repeat(40)}` }], max_tokens: 32 });

export default async function captureBench(): Promise<BenchSection> {
  const configs: Array<{ name: string; capture: string[]; harness?: Harness; pool?: Pool; lat: number[] }> = [
    { name: 'no capture (baseline)', capture: [], lat: [] },
    { name: 'capture on for another feature', capture: ['eval'], lat: [] },
    { name: 'capture on for this feature', capture: ['chat'], lat: [] },
  ];
  try {
    for (const c of configs) {
      c.harness = await startHarness({ batch: { capture: { features: c.capture } } });
      c.pool = new Pool(c.harness.proxy.url, { connections: 1 });
    }
    const call = async (c: (typeof configs)[number]) => {
      const r = await c.pool!.request({
        method: 'POST',
        path: '/v1/chat/completions',
        body: payload(),
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench', 'x-tollgate-feature': 'chat', 'x-tollgate-cache': 'no-store' },
      });
      if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
      await r.body.dump();
    };
    for (const c of configs) for (let i = 0; i < 30; i++) await call(c); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of configs) {
        for (let i = 0; i < PER_ROUND; i++) {
          const t0 = performance.now();
          await call(c);
          c.lat.push(performance.now() - t0);
        }
      }
    }
    const overhead = (h: Harness) => {
      const rows = h.proxy.services.db.prepare('SELECT overhead_ms FROM calls ORDER BY id DESC LIMIT ?').all(ROUNDS * PER_ROUND) as Array<{ overhead_ms: number }>;
      return rows.map((r) => r.overhead_ms);
    };
    const base = configs[0]!;
    const baseOverhead = percentile(overhead(base.harness!), 50);
    const baseP50 = percentile(base.lat, 50);
    const rows: BenchRow[] = configs.map((c) => {
      const o = overhead(c.harness!);
      const captured = (c.harness!.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'captured_requests'").get() as { n: number }).n
        ? (c.harness!.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM captured_requests').get() as { n: number }).n
        : 0;
      return {
        name: c.name,
        'p50 ms': percentile(c.lat, 50),
        'p99 ms': percentile(c.lat, 99),
        'p50 ratio': percentile(c.lat, 50) / baseP50,
        'overhead p50 ms': percentile(o, 50),
        'overhead p99 ms': percentile(o, 99),
        'overhead ratio': percentile(o, 50) / baseOverhead,
        'bodies kept': captured,
      };
    });
    // The write itself runs after the answer has been sent (so the rows above do not include it): time it alone.
    const store = captureStore(configs[2]!.harness!.proxy.services.db);
    const lastId = (configs[2]!.harness!.proxy.services.db.prepare('SELECT MAX(id) AS id FROM calls').get() as { id: number }).id;
    const text = payload();
    const writes = await timeSerial(1000, () => store.save({ callId: lastId, ts: Date.now(), feature: 'chat', provider: 'openai', protocol: 'openai', endpoint: 'chat.completions', bodyText: text }, 7));
    rows.push({ name: `one body write alone (${text.length} B, after the answer)`, 'p50 ms': percentile(writes, 50), 'p99 ms': percentile(writes, 99), 'p50 ratio': 0, 'overhead p50 ms': 0, 'overhead p99 ms': 0, 'overhead ratio': 0, 'bodies kept': 0 });
    return {
      title: `batch.capture on the hot path (${ROUNDS} × ${PER_ROUND} serial misses per configuration, interleaved, in process)`,
      rows,
      notes: [
        'Ratios are against the no-capture proxy in the same run. "overhead" is the ledger\'s overhead_ms: the proxy\'s own time per call.',
        'The last row times CaptureStore.save alone (0 = not measured in the other columns).',
      ],
    };
  } finally {
    for (const c of configs) {
      await c.pool?.close();
      await c.harness?.close();
    }
  }
}
