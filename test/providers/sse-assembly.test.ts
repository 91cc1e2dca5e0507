/**
 * The stream assemblers (what the ledger and the cache keep from a stream) and the replays (what a
 * cache hit streams back), on recorded-shape SSE transcripts in test/fixtures/sse/. The bytes go
 * through the same parser path as the forward stage (SseParser.pushBytes + frameJson), cut at
 * every kind of boundary: inside a frame, inside its blank line, inside a multi-byte character.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANTHROPIC_ENDPOINTS } from '../../proxy/src/providers/anthropic';
import { OPENAI_ENDPOINTS } from '../../proxy/src/providers/openai';
import { frameJson, SseParser } from '../../proxy/src/providers/sse';
import type { EndpointSpec, Json } from '../../proxy/src/providers/types';

const endpoint = (id: string): EndpointSpec => [...OPENAI_ENDPOINTS, ...ANTHROPIC_ENDPOINTS].find((e) => e.id === id)!;
const fixture = (name: string): Uint8Array => readFileSync(new URL(`../fixtures/sse/${name}`, import.meta.url));

interface Assembled {
  body: Json;
  complete: boolean;
  error: Json | undefined;
  frames: number;
  pending: string;
}

function assemble(spec: EndpointSpec, chunks: Iterable<Uint8Array>): Assembled {
  const a = spec.assembler!();
  const parser = new SseParser();
  let frames = 0;
  for (const chunk of chunks) {
    for (const frame of parser.pushBytes(chunk)) {
      frames++;
      a.accept(frame, frameJson(frame));
    }
  }
  return { body: a.result(), complete: a.complete, error: a.error, frames, pending: parser.pending };
}

/** The bytes cut every `size` bytes. */
function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** The bytes cut in two at `at`. */
const cutAt = (bytes: Uint8Array, at: number): Uint8Array[] => [bytes.subarray(0, at), bytes.subarray(at)];

const utf8 = new TextEncoder();
const replayBytes = (spec: EndpointSpec, body: Json, includeUsage = true): Uint8Array => utf8.encode(spec.replay!(body, { includeUsage }).join(''));

describe('OpenAI chat completions with the usage chunk', () => {
  const spec = endpoint('chat.completions');
  const bytes = fixture('openai-chat-usage.sse');
  const whole = assemble(spec, [bytes]);

  it('assembles the text, the finish reason and the usage chunk', () => {
    expect(whole.complete).toBe(true);
    expect(whole.error).toBeUndefined();
    expect(whole.pending).toBe('');
    const choice = (whole.body.choices as Json[])[0]!;
    expect(choice.message).toEqual({ role: 'assistant', content: 'Grüße aus Zürich 🚀: naïve café.', refusal: null });
    expect(choice.finish_reason).toBe('stop');
    expect(whole.body.model).toBe('gpt-4o-mini-2024-07-18');
    expect(spec.usage(whole.body)).toEqual({ inputTokens: 19, outputTokens: 11, cachedTokens: 0, cacheWriteTokens: 0 });
    expect(spec.outputText!(whole.body)).toBe('Grüße aus Zürich 🚀: naïve café.');
  });

  it('gives the same body whatever the chunk boundaries (1, 2, 3, 7 and 64 bytes)', () => {
    for (const size of [1, 2, 3, 7, 64]) expect(assemble(spec, pieces(bytes, size)).body).toEqual(whole.body);
  });

  it('holds a UTF-8 character split across two chunks until it is whole', () => {
    const text = new TextDecoder().decode(bytes);
    for (const ch of ['ü', '🚀', 'é']) {
      const at = utf8.encode(text.slice(0, text.indexOf(ch))).length + 1; // one byte into the character
      expect(assemble(spec, cutAt(bytes, at)).body).toEqual(whole.body);
    }
  });

  it('round-trips: assemble(replay(x)) is x, with and without the usage chunk', () => {
    expect(assemble(spec, [replayBytes(spec, whole.body)]).body).toEqual(whole.body);
    const noUsage = assemble(spec, [replayBytes(spec, whole.body, false)]);
    expect(noUsage.complete).toBe(true);
    expect(noUsage.body.usage).toBeUndefined();
    expect(noUsage.body.choices).toEqual(whole.body.choices);
  });
});

describe('OpenAI chat completions with a tool call, CRLF framing', () => {
  const spec = endpoint('chat.completions');
  const bytes = fixture('openai-chat-tools-crlf.sse');
  const whole = assemble(spec, [bytes]);

  it('joins the argument fragments and reads cached prompt tokens', () => {
    expect(whole.complete).toBe(true);
    const message = (whole.body.choices as Json[])[0]!.message as Json;
    expect(message.tool_calls).toEqual([{ id: 'call_Qx9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"München"}' } }]);
    expect(spec.usage(whole.body)).toEqual({ inputTokens: 61, outputTokens: 16, cachedTokens: 32, cacheWriteTokens: 0 });
  });

  it('survives a cut between CR and LF and round-trips through the replay', () => {
    const at = new TextDecoder().decode(bytes).indexOf('\r\n\r\n') + 1;
    expect(assemble(spec, cutAt(bytes, at)).body).toEqual(whole.body);
    expect(assemble(spec, [replayBytes(spec, whole.body)]).body).toEqual(whole.body);
  });
});

describe('an OpenAI error frame in the middle of a stream', () => {
  it('is an error, not a complete answer, and keeps the text before it', () => {
    const spec = endpoint('chat.completions');
    const r = assemble(spec, pieces(fixture('openai-chat-error-midstream.sse'), 5));
    expect(r.complete).toBe(false);
    expect(r.error).toMatchObject({ type: 'server_error' });
    expect(((r.body.choices as Json[])[0]!.message as Json).content).toBe('Half an ans');
    expect(spec.usage(r.body)).toBeUndefined();
  });
});

describe('OpenAI Responses API events', () => {
  const spec = endpoint('responses');
  const bytes = fixture('openai-responses.sse');
  const whole = assemble(spec, [bytes]);

  it('takes the terminal response.completed as the body', () => {
    expect(whole.complete).toBe(true);
    expect(whole.error).toBeUndefined();
    expect(whole.body.status).toBe('completed');
    expect(spec.outputText!(whole.body)).toBe('Три слова — done.');
    expect(spec.usage(whole.body)).toEqual({ inputTokens: 22, outputTokens: 7, cachedTokens: 0, cacheWriteTokens: 0 });
  });

  it('is the same cut into 1- and 5-byte chunks (Cyrillic is two bytes a letter)', () => {
    for (const size of [1, 5]) expect(assemble(spec, pieces(bytes, size)).body).toEqual(whole.body);
  });

  it('round-trips, and the replayed deltas spell the text', () => {
    const replayed = replayBytes(spec, whole.body);
    expect(assemble(spec, [replayed]).body).toEqual(whole.body);
    const parser = new SseParser();
    const deltas = parser
      .pushBytes(replayed)
      .map(frameJson)
      .filter((j) => j?.type === 'response.output_text.delta')
      .map((j) => j!.delta)
      .join('');
    expect(deltas).toBe('Три слова — done.');
  });
});

describe('Anthropic messages events', () => {
  const spec = endpoint('messages');
  const bytes = fixture('anthropic-messages-tools.sse');
  const whole = assemble(spec, [bytes]);

  it('assembles text and tool_use blocks, and takes output tokens from message_delta', () => {
    expect(whole.complete).toBe(true);
    expect(whole.body.stop_reason).toBe('tool_use');
    expect(whole.body.content).toEqual([
      { type: 'text', text: "Okay — I'll check the weather in Köln ☔." },
      { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'Köln', unit: 'celsius' } },
    ]);
    // input_tokens excludes cache reads; the normalised figure adds them back.
    expect(spec.usage(whole.body)).toEqual({ inputTokens: 472 + 1024, outputTokens: 89, cachedTokens: 1024, cacheWriteTokens: 0 });
  });

  it('is the same at every chunk size from 1 to 13 bytes', () => {
    for (let size = 1; size <= 13; size++) expect(assemble(spec, pieces(bytes, size)).body).toEqual(whole.body);
  });

  it('round-trips: assemble(replay(x)) is x', () => {
    const again = assemble(spec, [replayBytes(spec, whole.body)]);
    expect(again.complete).toBe(true);
    expect(again.body).toEqual(whole.body);
  });

  it('an error event mid-stream is an error with the partial text kept', () => {
    const r = assemble(spec, pieces(fixture('anthropic-error-midstream.sse'), 4));
    expect(r.complete).toBe(false);
    expect(r.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(r.body.content).toEqual([{ type: 'text', text: 'Partial' }]);
  });
});

describe('the end of the body (SseParser.end)', () => {
  const endOf = (bytes: Uint8Array, size: number) => {
    const parser = new SseParser();
    const frames = [...pieces(bytes, size)].flatMap((c) => parser.pushBytes(c));
    return { frames, last: parser.end(), pending: parser.pending };
  };

  it('gives the event the body ends with, without its blank line, as a frame every client reads (LF, CRLF, CR, none)', () => {
    const spec = endpoint('messages');
    const bytes = fixture('anthropic-messages-tools.sse');
    const whole = assemble(spec, [bytes]);
    const text = new TextDecoder().decode(bytes).replace(/\n\n$/, '');
    for (const ending of ['', '\n', '\r\n', '\r']) {
      for (const size of [1, 3, 64]) {
        const r = endOf(utf8.encode(text + ending), size);
        expect(r.pending).toBe('');
        expect(r.last).toHaveLength(1);
        expect(r.last[0]).toMatchObject({ event: 'message_stop', data: '{"type":"message_stop"}' });
        expect(r.last[0]!.raw.endsWith(ending === '' ? '\n\n' : ending + ending)).toBe(true);
        const a = spec.assembler!();
        for (const f of [...r.frames, ...r.last]) a.accept(f, frameJson(f));
        expect(a.complete).toBe(true);
        expect(a.result()).toEqual(whole.body);
      }
    }
  });

  it('keeps a frame cut mid-line pending: the stream was cut short', () => {
    const text = new TextDecoder().decode(fixture('openai-chat-usage.sse'));
    const cut = text.slice(0, text.lastIndexOf('"usage"'));
    const r = endOf(utf8.encode(cut), 7);
    expect(r.last).toEqual([]);
    expect(r.pending).toMatch(/^data: \{/);
  });

  it('does not drop a character the end cut in two: what the decoder held is pending', () => {
    const bytes = fixture('openai-chat-usage.sse');
    for (const tail of [[0xe2, 0x82], [0xf0, 0x9f, 0x9a], [0xc3]]) {
      const r = endOf(new Uint8Array([...bytes, ...tail]), 5);
      expect(r.last).toEqual([]);
      expect(r.pending).toBe('\uFFFD');
    }
    // A JSON data line whose last character is cut is not whole either.
    const frame = utf8.encode('data: {"choices":[{"index":0,"delta":{"content":"caf\u00e9"}}]}');
    const r = endOf(frame.subarray(0, frame.length - 6), 3);
    expect(r.last).toEqual([]);
    expect(r.pending.endsWith('caf\uFFFD')).toBe(true);
  });
});
