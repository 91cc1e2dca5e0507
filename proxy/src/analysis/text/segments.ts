/** Paragraphs and sentences of prompt text, with offsets into that text. */
export interface Segment {
  start: number;
  end: number;
  text: string;
}

/**
 * Paragraphs are separated by blank lines; each segment excludes the surrounding whitespace.
 * A line break is LF, CRLF or a lone CR (as VS Code counts them): an instruction file saved with
 * Windows line endings is compared with its LF siblings paragraph by paragraph, not as one block.
 */
export function paragraphs(text: string): Segment[] {
  const out: Segment[] = [];
  const sep = /(?:\r\n?|\n)[ \t]*(?:\r\n?|\n)(?:[ \t]*(?:\r\n?|\n))*/g;
  let at = 0;
  const push = (a: number, b: number) => {
    const raw = text.slice(a, b);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) out.push({ start: a + lead, end: a + lead + trimmed.length, text: trimmed });
  };
  for (const m of text.matchAll(sep)) {
    push(at, m.index);
    at = m.index + m[0].length;
  }
  push(at, text.length);
  return out;
}

/** Sentences end with . ! or ? (followed by space or end) or a line break. */
export function sentences(p: Segment): Segment[] {
  const out: Segment[] = [];
  for (const m of p.text.matchAll(/[^.!?\n]+(?:[.!?]+(?=\s|$)|(?=\n)|$)/g)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const t = raw.trim();
    if (t) out.push({ start: p.start + m.index + lead, end: p.start + m.index + lead + t.length, text: t });
  }
  return out;
}

export function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function wordCount(s: string): number {
  return s.split(/\s+/).filter((w) => /\w/.test(w)).length;
}
