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
