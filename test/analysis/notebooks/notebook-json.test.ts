/**
 * The notebook reader keeps, for every character of a cell's source, where the .ipynb text writes it:
 * checked against JSON.parse on generated notebooks with quotes, backslashes, escapes and characters
 * outside the BMP, written both as Jupyter does (UTF-8) and as `json.dump` does by default (`\uXXXX`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readNotebook } from '../../../proxy/src/analysis/code/notebook';

const char = fc.constantFrom('a', 'Z', ' ', '\n', '\t', '"', '\\', '/', '{', '}', '[', ']', ',', ':', 'é', '☕', '😀', '\r', '\u0001');
const text = fc.array(char, { maxLength: 40 }).map((cs) => cs.join(''));

describe('readNotebook', () => {
  it('reads each source as JSON.parse does, and each character at the offset it is written', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ lines: fc.boolean(), source: text, output: text }), { maxLength: 6 }), fc.boolean(), fc.boolean(), (cells, ascii, indent) => {
        const nb = {
          cells: cells.map((c) => ({
            cell_type: 'code',
            metadata: { note: c.output },
            outputs: [{ output_type: 'stream', text: [c.output] }],
            source: c.lines ? c.source.split(/(?<=\n)/).filter((l) => l) : c.source,
          })),
          metadata: { kernelspec: { language: 'python' } },
          nbformat: 4,
        };
        let json = JSON.stringify(nb, null, indent ? 1 : undefined);
        if (ascii) json = json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
        const read = readNotebook(json)!;
        const parsed = JSON.parse(json) as { cells: Array<{ source: string | string[] }> };
        expect(read.cells.map((c) => c.source)).toEqual(parsed.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)));
        for (const c of read.cells)
          for (let i = 0; i < c.source.length; i++) {
            // The character (or the escape that writes it) starts at its offset.
            const at = json.slice(c.offsets[i], c.offsets[i]! + 6);
            const written = at.startsWith('\\') ? (JSON.parse(`"${at.startsWith('\\u') ? at : at.slice(0, 2)}"`) as string) : at[0];
            expect(written).toBe(c.source[i]);
          }
      }),
      { numRuns: 300 },
    );
  });

  it('is not fooled by text that only looks like a notebook', () => {
    expect(readNotebook('')).toBeUndefined();
    expect(readNotebook('{"cells": [')).toBeUndefined();
    expect(readNotebook('{"cells": {}}')).toBeUndefined();
    expect(readNotebook('[1, 2]')).toBeUndefined();
    expect(readNotebook(`${'['.repeat(100_000)}`)).toBeUndefined();
  });
});
