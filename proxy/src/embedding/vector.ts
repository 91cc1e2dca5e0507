/** Vector arithmetic shared by the semantic cache, its judge and feedback, and the router. */

/** Dot product; the cosine similarity of two L2-normalised vectors (every embedder here normalises). */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}
