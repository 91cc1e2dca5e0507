/**
 * The team's own negative exemplars: each reported false hit is remembered per feature as a pair
 * (the query's embedding, the wrongly served entry's embedding). A later candidate that repeats a
 * reported confusion — a query near the reported query matched to an entry near the reported
 * entry, or the same two regions the other way round — is not served. "Near" is the nearer side
 * within CONFUSION_RADIUS, so after the re-asked query is stored, its own paraphrases still hit it. Pure; no I/O.
 *
 * Why pairs and not "never serve near this entry": an FAQ entry that answered one neighbouring
 * question wrongly still answers its own paraphrases rightly; only the confusion is known to be bad.
 * Why both orientations: a confusion between two requests is symmetric (asked A, served B ≈ asked
 * B, served A).
 */
import { dot } from '../../../embedding/vector';

/** Cosine within which a text counts as one side of a reported confusion (USE-lite scale; measured 0.7–0.8 alike). */
export const CONFUSION_RADIUS = 0.75;
/** Newest reported confusions kept per feature (older ones drop out of memory and the table). */
export const MAX_CONFUSIONS_PER_FEATURE = 2000;

export interface Confusion {
  query: Float32Array;
  entry: Float32Array;
}

/** Which side of a confusion a vector falls on: the nearer one, if within the radius. */
function side(c: Confusion, v: Float32Array): 'query' | 'entry' | undefined {
  const q = dot(v, c.query);
  const e = dot(v, c.entry);
  if (q >= CONFUSION_RADIUS && q >= e) return 'query';
  if (e >= CONFUSION_RADIUS && e > q) return 'entry';
  return undefined;
}

/**
 * The first reported confusion that (query, candidate) repeats: the two fall on opposite sides of
 * it. Both on the same side (a paraphrase of the reported query matched to the re-asked query's
 * stored answer) is not a repeat. Vectors are L2-normalised.
 */
export function repeatsConfusion(confusions: readonly Confusion[], query: Float32Array, candidate: Float32Array): Confusion | undefined {
  for (const c of confusions) {
    if (c.query.length !== query.length || c.entry.length !== candidate.length) continue;
    const a = side(c, query);
    if (a === undefined) continue;
    const b = side(c, candidate);
    if (b !== undefined && b !== a) return c;
  }
  return undefined;
}

export function vectorBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function blobVector(b: Buffer): Float32Array {
  // Copy: the driver's buffer may not be 4-byte aligned.
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
