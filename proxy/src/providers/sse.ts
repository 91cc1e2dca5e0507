/**
 * Server-sent events: an incremental parser that keeps each frame's raw text (so frames can be
 * forwarded byte-for-byte) and a serializer for replays.
 */
export interface SseFrame {
  /** The frame exactly as received, including its terminating blank line. */
  raw: string;
  event?: string;
  data: string;
}

/**
 * The most text one event may hold before its blank line: 32 MiB. The largest real events are
 * Responses image-generation partials (`response.image_generation_call.partial_image`), a base64
 * PNG of up to 1536x1024 — a few MB each, base64 adding a third — so this leaves them several times
 * over. Without a cap, an upstream that never ends an event (a broken server, a hostile one) grew
 * the proxy's memory until it died: bytes keep coming, so the idle timeout never fires.
 */
export const MAX_EVENT_CHARS = 32 << 20;

/** Thrown by SseParser.push when one event (so any of its lines) outgrows the parser's cap. */
export class SseEventTooLarge extends Error {
  constructor(readonly maxChars: number) {
    super(`the upstream sent an event larger than ${maxChars >> 20} MiB without ending it`);
  }
}

export class SseParser {
  /**
   * Text after the last complete frame, in the pieces it came in. Joined only once a frame ends:
   * appending to one string and rescanning it on every read made a large event (a 16 MB frame in
   * 64 KB reads) quadratic, 11 s of a blocked event loop.
   */
  private rest: string[] = [];
  /** The length of `rest`, joined. */
  private restChars = 0;
  /** The last (up to) 3 characters of `rest`, where a blank line may have begun. */
  private tail = '';
  private readonly decoder = new TextDecoder();

  /** `maxEventChars`: the cap on one unfinished event (SseEventTooLarge past it). */
  constructor(private readonly maxEventChars = MAX_EVENT_CHARS) {}

  /** Feed raw bytes: a UTF-8 character split across two chunks is held until it is whole. */
  pushBytes(chunk: Uint8Array): SseFrame[] {
    return this.push(this.decoder.decode(chunk, { stream: true }));
  }

  /**
   * Feed decoded text; returns the frames completed by it. `final`: no more text will come, so a
   * blank line the text ends with in a CR is complete (see BLANK_LINE).
   */
  push(text: string, final = false): SseFrame[] {
    if (text === '' && !(final && this.tail.endsWith('\r'))) return [];
    const end = new RegExp(BLANK_LINE.source, 'g');
    if (!end.test(this.tail + text)) {
      this.rest.push(text);
      this.restChars += text.length;
      this.tail = (this.tail + text).slice(-3);
      if (this.restChars > this.maxEventChars) throw new SseEventTooLarge(this.maxEventChars);
      return [];
    }
    const buffer = this.rest.join('') + text;
    // No frame ended in what came before: a blank line can only end in the new text.
    end.lastIndex = Math.max(0, buffer.length - text.length - 3);
    const frames: SseFrame[] = [];
    let start = 0;
    for (let m = end.exec(buffer); m; m = end.exec(buffer)) {
      // A CR that ends the text may be the first half of a CRLF whose LF is in the next read: the
      // blank line's extent (and so this frame's raw bytes) is known once that read comes.
      if (!final && end.lastIndex === buffer.length && buffer.endsWith('\r')) break;
      const frame = parseFrame(buffer.slice(start, end.lastIndex));
      start = end.lastIndex;
      if (frame) frames.push(frame);
    }
    const left = buffer.slice(start);
    this.rest = left ? [left] : [];
    this.restChars = left.length;
    this.tail = left.slice(-3);
    return frames;
  }

  /**
   * The body ended. The decoder gives up what it still holds (a character the end cut in two, as
   * U+FFFD: the upstream stopped mid-character, so the stream was cut), and an event the upstream
   * ended the body with, without the blank line that ends an event, is returned as a frame when it
   * is whole (its data `[DONE]` or a JSON object): gateways that close right after the last `data:`
   * line exist, and newer SDKs dispatch such an event (openai-node #2725). Its `raw` gets the blank
   * line, so every client reads it. Anything else stays `pending`: a frame cut short.
   */
  end(): SseFrame[] {
    const frames = this.push(this.decoder.decode(), true);
    const left = this.pending;
    if (left.trim() === '') return frames;
    const last = parseFrame(left);
    if (!last || (last.data !== '[DONE]' && !frameJson(last))) return frames;
    this.rest = [];
    this.restChars = 0;
    this.tail = '';
    const eol = /\r\n$|\n$|\r$/.exec(left)?.[0];
    frames.push({ ...last, raw: eol ? left + eol : `${left}\n\n` });
    return frames;
  }

  /** Text received after the last complete frame (a stream that ends here was cut short). */
  get pending(): string {
    return this.rest.join('');
  }
}

/**
 * A line end followed by another: the blank line that ends an event. The event-stream format
 * (WHATWG HTML, "event stream interpretation") ends a line with CRLF, LF or CR, mixed freely, so
 * `\r\n\r`, `\n\r\n` and `\r\n\n` end an event as `\n\n` does. A CR is a line end of its own only
 * when no LF follows it (else the pair is one CRLF, not a line end and a blank line).
 */
const BLANK_LINE = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))/;

function parseFrame(raw: string): SseFrame | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of raw.split(/\r\n|\n|\r/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === undefined && data.length === 0) return { raw, data: '' }; // comment / keep-alive
  return { raw, ...(event !== undefined ? { event } : {}), data: data.join('\n') };
}

export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

/** A frame's JSON payload; undefined for `[DONE]`, keep-alives and data that is not a JSON object. */
export function frameJson(frame: SseFrame): Record<string, unknown> | undefined {
  if (!frame.data || frame.data === '[DONE]') return undefined;
  try {
    const v: unknown = JSON.parse(frame.data);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
