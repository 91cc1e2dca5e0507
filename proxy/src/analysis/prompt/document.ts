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
  /** Errors that kept part of the file from being read (reported as `prompt-parse-error` findings, not thrown). */
  parseProblems: Array<{ message: string; start: number; end: number }>;
}

/** A section whose text is the file slice [start, end) verbatim. */
export function verbatimMap(start: number): OffsetMap {
  return { toFile: (i) => start + i, verbatim: () => true };
}

/**
 * Maps a YAML scalar's value back to the file by finding each of its lines, in order, inside the
 * node's source slice. Block literals map exactly line by line; folded or escaped text that cannot
 * be found maps to the nearest preceding found line and is reported as not verbatim.
 */
export function lineSearchMap(source: string, nodeStart: number, nodeEnd: number, value: string): OffsetMap {
  const lineStarts: number[] = [];
  const fileStarts: number[] = [];
  const found: boolean[] = [];
  let cursor = nodeStart;
  let idx = 0;
  for (const line of value.split('\n')) {
    lineStarts.push(idx);
    const at = line.length === 0 ? -1 : source.indexOf(line, cursor);
    if (at >= 0 && at + line.length <= nodeEnd) {
      fileStarts.push(at);
      found.push(true);
      cursor = at + line.length;
    } else {
      fileStarts.push(Math.min(cursor, nodeEnd));
      found.push(line.length === 0);
    }
    idx += line.length + 1;
  }
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
      return found[l] ? fileStarts[l]! + (i - lineStarts[l]!) : fileStarts[l]!;
    },
    verbatim(a, b) {
      const la = lineOf(a);
      const lb = lineOf(Math.max(a, b - 1));
      // Only a single line maps exactly: across lines the file has indentation the value lacks.
      return la === lb && found[la] === true;
    },
  };
}
