/**
 * A prompt file parsed into messages/sections with their source offsets. Every parser produces one;
 * cost lenses and prompt rules only ever read this shape.
 */
import type { PromptFileKind } from '../types';

export interface OffsetMap {
  /** File offset of the character at `index` within the section text. */
  toFile(index: number): number;
  /** true when text[a..b) is a verbatim copy of the file between toFile(a) and toFile(b). */
  verbatim(a: number, b: number): boolean;
  /**
   * The file span whose deletion deletes exactly the whole lines text[a..b) — from a line start to
   * just after a line break, or from a line break to the end of the text — with their indentation and
   * line breaks; undefined when the file does not hold those lines one per line.
   */
  lineDeletion(a: number, b: number): [number, number] | undefined;
}

export interface PromptSection {
  role: string;
  text: string;
  /** Where the section (value) sits in the file. */
  start: number;
  end: number;
  map: OffsetMap;
  /** A few-shot example (example_user/example_assistant names, or user/assistant pairs before the last user turn). */
  example?: boolean;
}

export interface OutputLimitInsertion {
  /** File offset to insert at, and the text (with newline and indentation) to insert. */
  offset: number;
  newText: string;
  title: string;
}

export interface PromptDocument {
  kind: PromptFileKind;
  model?: string;
  /** The output limit when the file sets one. */
  outputLimit?: number;
  /** The file sets an output limit whose value is templated (`'{{ env.MAX_TOKENS }}'`): set, but not readable. */
  outputLimitTemplated?: boolean;
  /** The format has an output-limit field (Prompty, .prompt.yml, promptfoo). */
  formatHasOutputLimit: boolean;
  /** Said with a missing-limit finding, e.g. that a misspelt key is not read by the format's tool. */
  outputLimitNote?: string;
  /** Where that field goes, for messages (e.g. "model.parameters.max_tokens"). */
  outputLimitField?: string;
  /** Offsets of the part to flag when the output limit is missing (the model block or file header). */
  headerStart: number;
  headerEnd: number;
  limitInsertion?: OutputLimitInsertion;
  sections: PromptSection[];
  /** The sections are CommonMark, so indented lines after a blank line can be code blocks (Markdown prompt and instruction files). */
  markdown?: boolean;
  /** Errors that kept part of the file from being read (reported as `prompt-parse-error` findings, not thrown). */
  parseProblems: Array<{
    message: string;
    start: number;
    end: number;
    /** Read past as the author meant (a non-breaking space taken for a space): counted, but the format's own tool reads it otherwise. */
    readAsMeant?: boolean;
  }>;
}

/**
 * Where each character of `line` sits in source[from, end) when YAML folded it from several file
 * lines: a single space of the value stands for a line break and the next line's indentation.
 * Undefined when the line is not there that way (escapes, other folding): it then maps coarsely.
 * (Its edits are never offered: a folded line is not verbatim.)
 */
function foldedOffsets(source: string, from: number, end: number, line: string): number[] | undefined {
  const firstWord = /^\S+/.exec(line)?.[0];
  if (!firstWord) return undefined;
  let f = source.indexOf(firstWord, from);
  if (f < 0 || f >= end) return undefined;
  const out: number[] = [];
  for (let j = 0; j < line.length; j++) {
    if (f >= end) return undefined;
    if (source[f] === line[j]) out.push(f++);
    else if (line[j] === ' ' && (source[f] === '\n' || source[f] === '\r')) {
      out.push(f);
      while (f < end && /[\r\n]/.test(source[f]!)) f++;
      while (f < end && (source[f] === ' ' || source[f] === '\t')) f++;
    } else return undefined;
  }
  return out;
}

/** A section whose text is the file slice [start, end) verbatim. */
export function verbatimMap(start: number): OffsetMap {
  return { toFile: (i) => start + i, verbatim: () => true, lineDeletion: (a, b) => [start + a, start + b] };
}

/**
 * Maps a YAML scalar's value back to the file by finding each of its lines, in order, inside the
 * node's source slice. Block literals map exactly line by line; folded or escaped text that cannot
 * be found maps to the nearest preceding found line and is reported as not verbatim. `literal`: the
 * node is a `|` block scalar, whose file lines are its value lines one per line behind the block's
 * indentation — the only kind where deleting file lines deletes the same value lines.
 */
export function lineSearchMap(source: string, nodeStart: number, nodeEnd: number, value: string, literal = false): OffsetMap {
  const lineStarts: number[] = [];
  const fileStarts: number[] = [];
  const found: boolean[] = [];
  /** For a value line folded from several file lines (`>`, multi-line plain or quoted text): each character's file offset. */
  const folded: Array<number[] | undefined> = [];
  const valueLines = value.split('\n');
  let cursor = nodeStart;
  let idx = 0;
  for (const line of valueLines) {
    lineStarts.push(idx);
    const at = line.length === 0 ? -1 : source.indexOf(line, cursor);
    const walk = line.length > 0 && !(at >= 0 && at + line.length <= nodeEnd) ? foldedOffsets(source, cursor, nodeEnd, line) : undefined;
    folded.push(walk);
    if (at >= 0 && at + line.length <= nodeEnd) {
      fileStarts.push(at);
      found.push(true);
      cursor = at + line.length;
    } else if (walk) {
      fileStarts.push(walk[0]!);
      found.push(false);
      cursor = walk[walk.length - 1]! + 1;
    } else {
      fileStarts.push(Math.min(cursor, nodeEnd));
      found.push(line.length === 0);
    }
    idx += line.length + 1;
  }
  // A literal block's file lines from its `|` header line on, and the block's indentation — found from
  // the first value line located in the file, which must sit on the file line its index says.
  let block: { lines: Array<{ start: number; text: string }>; indent: number } | null | undefined;
  const blockLines = () => {
    if (block !== undefined) return block ?? undefined;
    block = null;
    const from = source.lastIndexOf('\n', nodeStart - 1) + 1;
    const lines: Array<{ start: number; text: string }> = [];
    let at = from;
    for (const text of source.slice(from, nodeEnd).split('\n')) {
      lines.push({ start: at, text });
      at += text.length + 1;
    }
    const j = valueLines.findIndex((l, k) => l !== '' && found[k]);
    if (j < 0) return undefined;
    const fileLine = lines.findIndex((l, k) => fileStarts[j]! >= l.start && (k + 1 >= lines.length || fileStarts[j]! < lines[k + 1]!.start));
    // Value line 0 is on the line after the `|` header.
    if (fileLine - j !== 1) return undefined;
    block = { lines, indent: fileStarts[j]! - lines[fileLine]!.start };
    return block;
  };
  const lineOf = (i: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    toFile(i) {
      const l = lineOf(i);
      const walk = folded[l];
      if (walk) {
        const k = i - lineStarts[l]!;
        return k < walk.length ? walk[k]! : walk[walk.length - 1]! + 1;
      }
      return found[l] ? fileStarts[l]! + (i - lineStarts[l]!) : fileStarts[l]!;
    },
    verbatim(a, b) {
      const la = lineOf(a);
      const lb = lineOf(Math.max(a, b - 1));
      // Only a single line maps exactly, without its line break: across lines (and after the break)
      // the file has indentation the value lacks.
      return la === lb && found[la] === true && b <= lineStarts[la]! + valueLines[la]!.length;
    },
    lineDeletion(a, b) {
      if (!literal || b <= a) return undefined;
      let first: number;
      let last: number;
      let tailOnly = false;
      if (value[b - 1] === '\n' && (a === 0 || value[a - 1] === '\n')) {
        first = lineOf(a);
        last = lineOf(b - 1);
      } else if (value[a] === '\n' && b === value.length) {
        // `|-` text ending in the deleted lines: delete from the end of the line before them.
        first = lineOf(a) + 1;
        last = valueLines.length - 1;
        tailOnly = true;
      } else return undefined;
      const file = blockLines();
      if (!file) return undefined;
      // Value line k is file line 1 + k (line 0 holds the `|` header). Every deleted line must sit
      // there, as the block's indentation plus the value line.
      for (let k = first; k <= last; k++) {
        const line = file.lines[1 + k];
        if (line === undefined || !/^[ \t]*$/.test(line.text.slice(0, file.indent)) || line.text.slice(file.indent) !== valueLines[k]) return undefined;
      }
      // The first content line sets a block's indentation: a more-indented line must not become it.
      let leadingBlank = true;
      for (let k = first - 1; k >= 0 && leadingBlank; k--) leadingBlank = valueLines[k] === '';
      if (leadingBlank) {
        let k = last + 1;
        while (k < valueLines.length && valueLines[k] === '') k++;
        if (k < valueLines.length && /^[ \t]/.test(valueLines[k]!)) return undefined;
      }
      if (tailOnly) {
        const before = file.lines[first];
        const end = file.lines[1 + last]!;
        return before ? [before.start + before.text.length, end.start + end.text.length] : undefined;
      }
      const end = file.lines[1 + last]!;
      const lineEnd = end.start + end.text.length;
      return [file.lines[1 + first]!.start, source[lineEnd] === '\n' ? lineEnd + 1 : lineEnd];
    },
  };
}
