/** Deterministic unit vectors (xorshift) for the SQLite-binding bench: both sides search the same data. */
export const DIMS = 512;

export function vectors(n: number, seed: number): Float32Array[] {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 4294967296 - 0.5);
  return Array.from({ length: n }, () => {
    const v = new Float32Array(DIMS);
    let norm = 0;
    for (let j = 0; j < DIMS; j++) norm += (v[j] = rnd()) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < DIMS; j++) v[j]! /= norm;
    return v;
  });
}

/** The queries of one round (the same for both bindings). */
export function queryVectors(round: number, n: number): Float32Array[] {
  return vectors(n, 1_000_003 + round);
}
