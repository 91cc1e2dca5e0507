/**
 * The judge's training set as scripts see it (training and cross-validated evaluation): the
 * seeded sample of labelled pairs and their USE-lite embeddings, cached on disk so a second run
 * does not embed again. Not used by the proxy.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openUseLiteEmbedder } from '../../../proxy/src/embedding/backends/use-lite';
import type { Embedder } from '../../../proxy/src/embedding/types';
import { clincPairs, readClincDomains, readClincQueries } from './clincPairs';
import { readExcludeList, sampleQqpPairs, seededRandom, type LabelledPair } from './trainingData';

export interface TrainingSetOptions {
  /** Folder holding similiar_qqp_full.json (or examples/benchmark/similiar_qqp_full.json). */
  dataDir: string;
  excludeFile: string;
  size: number;
  seed: number;
}

export interface TrainingSet {
  pairs: LabelledPair[];
  va: Float32Array[];
  vb: Float32Array[];
  modelId: string;
  /** Texts the IDF table is counted over (the pairs' texts, plus any reference corpus the source brings). */
  idfTexts: string[];
}

export async function embedCached(embedder: Embedder, texts: string[], cacheDir: string): Promise<Float32Array[]> {
  const key = createHash('sha256').update(embedder.info.modelId).update('\u0000').update(texts.join('\u0000')).digest('hex').slice(0, 24);
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `embeddings-${key}.bin`);
  const d = embedder.info.dimensions;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (all.length === texts.length * d) return texts.map((_t, i) => all.slice(i * d, (i + 1) * d));
  }
  const flat = new Float32Array(texts.length * d);
  const batch = 64;
  const t0 = Date.now();
  for (let i = 0; i < texts.length; i += batch) {
    const vs = await embedder.embed(texts.slice(i, i + batch));
    vs.forEach((v, j) => flat.set(v, (i + j) * d));
    process.stderr.write(`\rembedding ${Math.min(i + batch, texts.length)}/${texts.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  process.stderr.write('\n');
  writeFileSync(file, Buffer.from(flat.buffer));
  return texts.map((_t, i) => flat.slice(i * d, (i + 1) * d));
}

function dataFile(dir: string): string {
  for (const f of ['similiar_qqp_full.json', 'examples/benchmark/similiar_qqp_full.json']) if (existsSync(join(dir, f))) return join(dir, f);
  throw new Error(`no similiar_qqp_full.json under ${dir} (see docs/semantic-cache.md, "Training data")`);
}

/** [from, to) pair ranges: the first 8,000 pairs, then 2,000 at a time. */
export function chunks(size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let from = 0; from < size; ) {
    const to = Math.min(size, from === 0 ? 8000 : from + 2000);
    out.push([from, to]);
    from = to;
  }
  return out;
}

export async function loadTrainingSet(o: TrainingSetOptions, embedder?: Embedder): Promise<TrainingSet> {
  const pairs = sampleQqpPairs(dataFile(o.dataDir), readExcludeList(o.excludeFile), o.size, o.seed);
  const own = embedder ?? (await openUseLiteEmbedder());
  try {
    // The sample is a prefix of one seeded shuffle, so a larger sample extends a smaller one: embed
    // it in chunks (the first 8,000 pairs, then 2,000 at a time), each cached on its own, so
    // growing the sample only embeds the new texts and an interrupted run keeps finished chunks.
    const at = new Map<string, Float32Array>();
    for (const [from, to] of chunks(pairs.length)) {
      const texts = [...new Set(pairs.slice(from, to).flatMap((p) => [p.a, p.b]))].filter((t) => !at.has(t));
      const vecs = await embedCached(own, texts, join(o.dataDir, 'embeddings'));
      for (const [i, t] of texts.entries()) at.set(t, vecs[i]!);
    }
    return { pairs, va: pairs.map((p) => at.get(p.a)!), vb: pairs.map((p) => at.get(p.b)!), modelId: own.info.modelId, idfTexts: [...new Set(pairs.flatMap((p) => [p.a, p.b]))] };
  } finally {
    if (!embedder) await own.close();
  }
}

/**
 * CLINC150's training set: `dataDir/clinc/` holds data_full.json and domains.json from
 * clinc/oos-eval (CC BY 3.0), and optionally all_wiki_sents.txt from the same repository, which
 * widens the IDF table beyond assistant queries. Pairs as `clincPairs` draws them; `size` caps
 * them (a seeded sample).
 */
export async function loadClincTrainingSet(o: Omit<TrainingSetOptions, 'excludeFile'>, embedder?: Embedder): Promise<TrainingSet> {
  const dir = join(o.dataDir, 'clinc');
  const queries = readClincQueries(join(dir, 'data_full.json'));
  const own = embedder ?? (await openUseLiteEmbedder());
  try {
    const vectors = await embedCached(
      own,
      queries.map((q) => q.text),
      join(o.dataDir, 'embeddings'),
    );
    let pairs = clincPairs(queries, vectors, { folds: 5, seed: o.seed, neighbours: 2, domainOf: readClincDomains(join(dir, 'domains.json')) });
    if (pairs.length > o.size) {
      const rnd = seededRandom(o.seed + 1);
      const order = pairs.map((_p, i) => [rnd(), i] as const).sort((x, y) => x[0] - y[0]);
      pairs = order.slice(0, o.size).map(([, i]) => pairs[i]!);
    }
    const at = new Map(queries.map((q, i) => [q.text, vectors[i]!]));
    const wiki = join(dir, 'all_wiki_sents.txt');
    const reference = existsSync(wiki) ? readFileSync(wiki, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [];
    return { pairs, va: pairs.map((p) => at.get(p.a)!), vb: pairs.map((p) => at.get(p.b)!), modelId: own.info.modelId, idfTexts: [...queries.map((q) => q.text), ...reference] };
  } finally {
    if (!embedder) await own.close();
  }
}
