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

export class SseParser {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  /** Feed raw bytes: a UTF-8 character split across two chunks is held until it is whole. */
  pushBytes(chunk: Uint8Array): SseFrame[] {
    return this.push(this.decoder.decode(chunk, { stream: true }));
  }

  /** Feed decoded text; returns the frames completed by it. */
  push(text: string): SseFrame[] {
    this.buffer += text;
    const frames: SseFrame[] = [];
    for (;;) {
      const m = /\r\n\r\n|\n\n|\r\r/.exec(this.buffer);
      if (!m) break;
      const end = m.index + m[0].length;
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end);
      const frame = parseFrame(raw);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  /** Text received after the last complete frame (a stream that ends here was cut short). */
  get pending(): string {
    return this.buffer;
  }
}

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
