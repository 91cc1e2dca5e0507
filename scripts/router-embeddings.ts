/**
 * USE-lite embeddings for the router scripts, cached in `.cache/router/use-lite.bin` (records of
 * sha256(text) + 512 float32) so training and evaluation embed each prompt once, ever. Uses the
 * proxy's own bundled backend: the vectors are the ones the live router sees.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openUseLiteEmbedder } from '../proxy/src/embedding/backends/use-lite';
// The router embeds at most this much of a prompt (the ask is at the start), here as in the live router.
import { EMBED_MAX_CHARS as MAX_CHARS } from '../proxy/src/routing/embedding';

const DIM = 512;
const RECORD = 32 + DIM * 4;

const keyOf = (text: string): string => createHash('sha256').update(text.slice(0, MAX_CHARS)).digest('hex');

/**
 * Vectors for `texts` (by text). With `cachedOnly`, nothing is embedded: texts not in the cache are
 * absent from the result (callers say how many rows that left out).
 */
export async function embedCached(texts: string[], file: string, log: (s: string) => void = () => {}, cachedOnly = false): Promise<Map<string, Float32Array>> {
  const byKey = new Map<string, Float32Array>();
  if (existsSync(file)) {
    const buf = readFileSync(file);
    for (let off = 0; off + RECORD <= buf.length; off += RECORD) {
      const key = buf.subarray(off, off + 32).toString('hex');
      const vec = new Float32Array(DIM);
      for (let i = 0; i < DIM; i++) vec[i] = buf.readFloatLE(off + 32 + i * 4);
      byKey.set(key, vec);
    }
  }
  // Sorted by length: a batch is padded to its longest text, so like lengths batch cheaply.
  const missing = [...new Set(texts)].filter((t) => !byKey.has(keyOf(t))).sort((a, b) => a.length - b.length);
  if (missing.length > 0 && !cachedOnly) {
    log(`embedding ${missing.length} prompts with USE-lite (cached in ${file})`);
    mkdirSync(dirname(file), { recursive: true });
    const embedder = await openUseLiteEmbedder();
    try {
      for (let i = 0; i < missing.length; i += 16) {
        const batch = missing.slice(i, i + 16);
        // Very long prompts are cut for the embedding only: the ask is at the start.
        const vectors = await embedder.embed(batch.map((t) => t.slice(0, MAX_CHARS)));
        const out = Buffer.alloc(batch.length * RECORD);
        batch.forEach((t, j) => {
          const key = keyOf(t);
          Buffer.from(key, 'hex').copy(out, j * RECORD);
          const v = vectors[j]!;
          for (let d = 0; d < DIM; d++) out.writeFloatLE(v[d]!, j * RECORD + 32 + d * 4);
          byKey.set(key, v);
        });
        appendFileSync(file, out);
        if ((i / 16) % 20 === 0) log(`  ${Math.min(i + 16, missing.length)}/${missing.length}`);
      }
    } finally {
      await embedder.close();
    }
  }
  const result = new Map<string, Float32Array>();
  for (const t of texts) {
    const v = byKey.get(keyOf(t));
    if (v) result.set(t, v);
  }
  return result;
}
