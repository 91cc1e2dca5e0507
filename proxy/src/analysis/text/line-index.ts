/** Converts between string offsets and 0-based line/character positions (VS Code's convention). */
import type { Position, Range } from '../types';

export class LineIndex {
  /** Offset at which each line starts. */
  private readonly starts: number[];

  constructor(readonly text: string) {
    this.starts = [0];
    // A line ends at LF, CRLF or a lone CR — the three VS Code (and YAML) count — so a file saved
    // with classic-Mac or stray CR line breaks reports the lines the editor shows.
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo]! };
  }

  offsetAt(pos: Position): number {
    const start = this.starts[Math.max(0, Math.min(pos.line, this.starts.length - 1))]!;
    return Math.min(this.text.length, start + pos.character);
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }
}
