/**
 * What the consistency tests read from README.md and docs/*.md: code spans in prose and lines of
 * fenced code blocks, each with its file and line, so a failure names where the doc says it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..', '..');
export const read = (f: string): string => readFileSync(join(root, f), 'utf8');
export const docFiles: readonly string[] = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

export interface Snippet {
  /** `file:line` of the span or code line. */
  where: string;
  text: string;
}

const FENCE = /^\s*(```|~~~)/;

/** Inline code spans outside fenced blocks (a span may wrap onto the next line), with their line. */
export function codeSpans(file: string, text = read(file)): Snippet[] {
  const lines = text.split('\n');
  const out: Snippet[] = [];
  let inBlock = false;
  let paragraph: Array<{ line: number; text: string }> = [];
  const flush = () => {
    const joined = paragraph.map((p) => p.text).join('\n');
    for (const m of joined.matchAll(/`([^`]+)`/g)) {
      const offset = m.index ?? 0;
      let line = paragraph[0]?.line ?? 0;
      let seen = 0;
      for (const p of paragraph) {
        if (seen + p.text.length >= offset) {
          line = p.line;
          break;
        }
        seen += p.text.length + 1;
      }
      out.push({ where: `${file}:${line}`, text: m[1]!.replace(/\s+/g, ' ').trim() });
    }
    paragraph = [];
  };
  lines.forEach((l, i) => {
    if (FENCE.test(l)) {
      flush();
      inBlock = !inBlock;
      return;
    }
    if (inBlock) return;
    if (l.trim() === '') flush();
    else paragraph.push({ line: i + 1, text: l });
  });
  flush();
  return out;
}

/** Lines inside fenced code blocks, with the block's language (`sh`, `yaml`, `` for none). */
export function codeLines(file: string, text = read(file)): Array<Snippet & { lang: string }> {
  const out: Array<Snippet & { lang: string }> = [];
  let lang: string | undefined;
  text.split('\n').forEach((l, i) => {
    const fence = /^\s*(?:```|~~~)\s*([\w-]*)/.exec(l);
    if (fence) {
      lang = lang === undefined ? (fence[1] ?? '') : undefined;
      return;
    }
    if (lang !== undefined) out.push({ where: `${file}:${i + 1}`, text: l, lang });
  });
  return out;
}
