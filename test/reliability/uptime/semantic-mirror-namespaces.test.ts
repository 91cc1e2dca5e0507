/**
 * A week of uptime with many API keys: the semantic KNN mirror (one per connection, rebuilt only
 * when another process writes) keeps a code per namespace in each bucket. Keys whose entries were
 * all evicted or expired must give theirs back, or the mirror grows with every key ever cached.
 */
import { describe, expect, it } from 'vitest';
import { BitIndex } from '../../../proxy/src/cache/semantic/bitIndex';

const DIMS = 64;

function bits(seed: number): Uint8Array {
  const out = new Uint8Array(DIMS / 8);
  for (let i = 0; i < out.length; i++) out[i] = (seed * 31 + i * 17) & 0xff;
  return out;
}

function emptyIndex(): BitIndex {
  const index = new BitIndex(() => []);
  index.loadStep(DIMS, 16); // nothing stored yet: the width is complete, inserts are mirrored
  return index;
}

describe('semantic mirror under key churn', () => {
  it('releases a namespace once its last entry leaves the bucket', () => {
    const index = emptyIndex();
    const bucket = 3n;
    let id = 1;
    // 2,000 keys come and go (two entries each), one long-lived key stays throughout.
    index.add(DIMS, bucket, { entryId: id++, ns: -1n, bits: bits(0) });
    for (let k = 0; k < 2_000; k++) {
      const a = id++;
      const b = id++;
      index.add(DIMS, bucket, { entryId: a, ns: BigInt(k), bits: bits(a) });
      index.add(DIMS, bucket, { entryId: b, ns: BigInt(k), bits: bits(b) });
      index.remove(a);
      index.remove(b);
    }
    expect(index.namespaceCount()).toBe(1);
  });

  it('a released code reused by a new key never mixes the two keys up', () => {
    const index = emptyIndex();
    const bucket = 0n;
    index.add(DIMS, bucket, { entryId: 1, ns: 10n, bits: bits(1) });
    index.add(DIMS, bucket, { entryId: 2, ns: 20n, bits: bits(2) });
    index.remove(1); // ns 10 leaves; ns 30 may get its code
    index.add(DIMS, bucket, { entryId: 3, ns: 30n, bits: bits(3) });
    index.add(DIMS, bucket, { entryId: 4, ns: 30n, bits: bits(4) });
    expect(index.nearest(DIMS, bucket, 10n, bits(1), 5)).toEqual([]);
    expect(index.nearest(DIMS, bucket, 20n, bits(3), 5)).toEqual([2]);
    expect([...(index.nearest(DIMS, bucket, 30n, bits(3), 5) ?? [])].sort()).toEqual([3, 4]);
    expect(index.namespaceCount()).toBe(2);
    index.remove(2);
    // One namespace left: its rows are all candidates, and only its own.
    expect([...(index.nearest(DIMS, bucket, 30n, bits(2), 5) ?? [])].sort()).toEqual([3, 4]);
    expect(index.nearest(DIMS, bucket, 20n, bits(2), 5)).toEqual([]);
  });
});
