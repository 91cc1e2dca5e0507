/**
 * Server-sent events as the fake upstreams write them: OpenAI-style `data:` frames ending in
 * `data: [DONE]`, Anthropic-style (and Responses API) named events, and the 200 answer that carries
 * them. One writer for every fake, so the framing (blank line after each event, the line ending a
 * provider uses) is spelled once.
 */
import type { ServerResponse } from 'node:http';

type Json = Record<string, unknown>;

/**
 * `data: <json>` frames, each followed by a blank line, in the given line ending (`\r\n` for
 * providers that send CRLF); a string is written as it is (a `: comment` line). `data: [DONE]` last
 * unless `done` is false.
 */
export function dataFrames(frames: readonly (Json | string)[], opts: { eol?: '\n' | '\r\n'; done?: boolean } = {}): string {
  const eol = opts.eol ?? '\n';
  const out = frames.map((f) => (typeof f === 'string' ? `${f}${eol}${eol}` : `data: ${JSON.stringify(f)}${eol}${eol}`)).join('');
  return opts.done === false ? out : `${out}data: [DONE]${eol}${eol}`;
}

/** One named event: `event: <type>` and its JSON `data:` line (Anthropic Messages, OpenAI Responses). */
export function namedEvent(data: Json, name = String(data.type)): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Answers 200 with an event-stream body, as the providers do: its content type, no caching, the given headers. */
export function sendSse(res: ServerResponse, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  res.end(body);
}
