import { loadRouterData } from './router-data';
import { embedCached } from './router-embeddings';
const d = loadRouterData('/work/wt/20');
console.log(d.notes, d.rows.length, Object.fromEntries(Object.entries(d.evalOnly).map(([k, v]) => [k, v.length])));
const texts = [...d.rows.map((r) => r.prompt), ...Object.values(d.evalOnly).flat().map((r) => r.prompt)];
const t0 = Date.now();
await embedCached(texts, '/work/wt/20/.cache/router/use-lite.bin', console.log);
console.log('done', (Date.now() - t0) / 1000, 's');
