/**
 * One colour per model (or feature) for the life of the view, whatever its rank: a model keeps
 * its colour when another overtakes it. A new key takes the colour its name hashes to, or the
 * next one not yet taken, so the same names tend to get the same colours in every session. Pure.
 */
export class SeriesColors {
  private readonly byKey = new Map<string, number>();

  constructor(private readonly size = 6) {}

  /** Palette index of `key`. */
  index(key: string): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const taken = new Set(this.byKey.values());
    const preferred = hash(key) % this.size;
    let chosen = preferred;
    for (let i = 0; i < this.size; i++) {
      const candidate = (preferred + i) % this.size;
      if (!taken.has(candidate)) {
        chosen = candidate;
        break;
      }
    }
    this.byKey.set(key, chosen);
    return chosen;
  }

  /**
   * Palette indices for keys drawn side by side (the spend chart's lines), distinct while the
   * palette lasts. Once more keys than colours were seen (six models, then the features), a new
   * key takes the colour its name hashes to, so two lines could be drawn alike. A key keeps its
   * colour unless one before it in `keys` has it; then it moves, for good, to a colour none of
   * them uses (one no other key holds, if there is one), so the bars follow it.
   */
  indices(keys: readonly string[]): number[] {
    const used = new Set<number>();
    return keys.map((key) => {
      let chosen = this.index(key);
      if (used.has(chosen) && used.size < this.size) {
        const held = new Set(this.byKey.values());
        const free = Array.from({ length: this.size }, (_, i) => i).filter((i) => !used.has(i));
        chosen = free.find((i) => !held.has(i)) ?? free[0]!;
        this.byKey.set(key, chosen);
      }
      used.add(chosen);
      return chosen;
    });
  }
}

/** FNV-1a: a small, well-spread string hash. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Shared by the bars and the time chart of one webview, so a model has one colour everywhere. */
export const seriesColors = new SeriesColors();
