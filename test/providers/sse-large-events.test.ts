/**
 * The SSE parser on large events: it appended every read to one string and rescanned all of it for
 * a blank line, so one large event (a streamed image's base64, a big tool-call argument) in 64 KB
 * reads was quadratic — 16 MB took 11 s of a blocked event loop (a 50 MB streamed answer: ~9 s).
 * Frames must come out exactly as a one-shot parse gives them, however the bytes are split.
 */
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_CHARS, SseEventTooLarge, SseParser, type SseFrame } from '../../proxy/src/providers/sse';

function parseIn(text: string, sizes: () => number): { frames: SseFrame[]; pending: string } {
  const p = new SseParser();
  const frames: SseFrame[] = [];
  for (let i = 0; i < text.length; ) {
    const n = Math.max(1, sizes());
    frames.push(...p.push(text.slice(i, i + n)));
    i += n;
  }
  return { frames, pending: p.pending };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('SseParser on large events and any split', () => {
  it('gives the frames of a one-shot parse for every split, line ending and comment', () => {
    const r = rng(7);
    const ends = ['\n', '\r\n', '\r'];
    for (let t = 0; t < 300; t++) {
      let text = '';
      const events = 1 + Math.floor(r() * 6);
      for (let e = 0; e < events; e++) {
        const eol = ends[Math.floor(r() * 3)]!;
        if (r() < 0.2) text += `: keep-alive${eol}${eol}`;
        text += `${r() < 0.5 ? `event: e${e}${eol}` : ''}data: ${'x'.repeat(Math.floor(r() * 40))}${eol}${r() < 0.3 ? `data: more${eol}` : ''}${eol}`;
      }
      if (r() < 0.5) text += 'data: cut'; // a stream that ends mid-frame
      const whole = parseIn(text, () => text.length);
      const split = parseIn(text, () => 1 + Math.floor(r() * 7));
      expect(split).toEqual(whole);
      expect(whole.frames.map((f) => f.raw).join('') + whole.pending).toBe(text);
    }
  });

  it('ends events on every mix of CR, LF and CRLF line ends the event-stream format allows, as the spec reads them', () => {
    // The spec's reading, line by line: a line ends at CRLF, LF or CR; a blank line dispatches.
    const reference = (text: string): Array<{ event?: string; data: string }> => {
      const out: Array<{ event?: string; data: string }> = [];
      let event: string | undefined;
      let data: string[] = [];
      const lines = text.split(/\r\n|\n|\r/);
      lines.pop(); // what follows the last line end is no line yet
      for (const line of lines) {
        if (line === '') {
          if (event !== undefined || data.length > 0) out.push({ ...(event !== undefined ? { event } : {}), data: data.join('\n') });
          event = undefined;
          data = [];
        } else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      return out;
    };
    const semantic = (frames: SseFrame[]) => frames.filter((f) => f.event !== undefined || f.data !== '').map((f) => ({ ...(f.event !== undefined ? { event: f.event } : {}), data: f.data }));
    const r = rng(11);
    const ends = ['\n', '\r\n', '\r'];
    for (let t = 0; t < 400; t++) {
      let text = '';
      // Each line picks its own line end, the blank line included: `\r\n\r`, `\n\r\n`, `\r\n\n`, …
      // (a CR line end then an LF one would be one CRLF: an LF never follows a CR line end here).
      const line = (s: string) => {
        const pick = ends.filter((e) => !(text.endsWith('\r') && s === '' && e.startsWith('\n')));
        text += s + pick[Math.floor(r() * pick.length)]!;
      };
      const events = 1 + Math.floor(r() * 5);
      for (let e = 0; e < events; e++) {
        if (r() < 0.5) line(`event: e${e}`);
        line(`data: d${e}`);
        if (r() < 0.3) line('data: more');
        line('');
      }
      const whole = parseIn(text, () => text.length);
      const split = parseIn(text, () => 1 + Math.floor(r() * 5));
      const expected = reference(text);
      const ended = new SseParser();
      const all = [...ended.push(text), ...ended.end()];
      expect(semantic(all)).toEqual(expected);
      expect(all.map((f) => f.raw).join('')).toBe(text);
      // Bytes cut anywhere, between a CR and its LF too: the same frames, one line end not two.
      expect(split).toEqual(whole);
      expect(semantic(whole.frames)).toEqual(expected.slice(0, semantic(whole.frames).length));
      expect(whole.frames.map((f) => f.raw).join('') + whole.pending).toBe(text);
    }
    // The cases the brief names, each cut between its CR and LF.
    for (const [a, b] of [
      ['data: 1\r\n\r', 'data: 2\n\n'],
      ['data: 1\n\r', '\ndata: 2\n\n'],
      ['data: 1\r', '\n\ndata: 2\r\n\r\n'],
    ] as const) {
      const p = new SseParser();
      const frames = [...p.push(a), ...p.push(b), ...p.end()];
      expect(semantic(frames)).toEqual([{ data: '1' }, { data: '2' }]);
      expect(frames.map((f) => f.raw).join('')).toBe(a + b);
    }
  });

  it('one 16 MB event is scanned once, like 16 MB of small events (it was quadratic)', () => {
    const big = `event: image\ndata: ${'A'.repeat(16 * 1024 * 1024)}\n\n`;
    const small = Array.from({ length: 16 * 1024 }, () => `data: ${'A'.repeat(1018)}\n\n`).join('');
    // Work, not time: the characters the regular expressions the parser builds search through (from
    // where each search starts to the end of its match, or of the text), while the text is parsed in 64 KB reads. Only expressions built with
    // `new RegExp` are counted: RegExp.prototype stays untouched, so every other one keeps its speed.
    const scanned = (text: string) => {
      const Real = globalThis.RegExp;
      let chars = 0;
      globalThis.RegExp = class extends Real {
        override exec(s: string) {
          const from = this.global || this.sticky ? this.lastIndex : 0;
          const m = super.exec(s);
          chars += (m ? m.index + m[0].length : s.length) - from;
          return m;
        }
      } as RegExpConstructor;
      try {
        const { frames } = parseIn(text, () => 64 * 1024);
        expect(frames.length).toBeGreaterThan(0);
      } finally {
        globalThis.RegExp = Real;
      }
      return chars;
    };
    const [ofBig, ofSmall] = [scanned(big), scanned(small)];
    // Each character scanned a bounded number of times, whatever the events' sizes; rescanning what
    // is held on each read scans a 16 MB event ~128 times over (256 reads).
    expect(ofSmall / small.length, `small events: ${ofSmall} characters scanned`).toBeGreaterThan(0.5);
    expect(ofSmall / small.length, `small events: ${ofSmall} characters scanned`).toBeLessThan(3);
    expect(ofBig / big.length, `one big event: ${ofBig} characters scanned`).toBeLessThan(3);
  });

  it('refuses an event that outgrows the cap without ending, and passes one just under it', () => {
    expect(MAX_EVENT_CHARS).toBe(32 << 20); // several times a 1536x1024 base64 partial image
    const p = new SseParser(1000);
    expect(p.push('data: {"a":1}\n\n').map((f) => f.data)).toEqual(['{"a":1}']);
    expect(p.push(`data: ${'x'.repeat(900)}`)).toEqual([]);
    expect(p.push('\n\n')).toHaveLength(1);
    p.push('data: ');
    expect(() => {
      for (let i = 0; i < 20; i++) p.push('y'.repeat(100)); // a line (and event) that never ends
    }).toThrow(SseEventTooLarge);
  });
});
