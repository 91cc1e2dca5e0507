/**
 * Upstream bodies with a `content-encoding`. Tollgate does not ask for compression, but load
 * balancers and some OpenAI-compatible servers compress anyway; undici's `request` hands over the
 * bytes as sent, so a gzip or brotli answer would reach the JSON parser, the SSE parser and the
 * error relay still compressed. The decoded body is what every reader of an answer uses.
 */
import { pipeline, Readable } from 'node:stream';
import { codingList, DECODERS, MAX_CODINGS } from '../http/http';

/** Why an answer with these codings is not read (more than MAX_CODINGS, as for request bodies), else undefined. */
export function refusedCodings(contentEncoding: string | string[] | undefined): string | undefined {
  const n = codingList(contentEncoding).length;
  return n > MAX_CODINGS ? `the upstream's answer lists ${n} content codings; Tollgate undoes at most ${MAX_CODINGS}` : undefined;
}

/**
 * The body with its content codings undone (listed in the order applied, so undone last first).
 * An upstream error (reset, idle timeout) still surfaces from the returned stream, with its code.
 * An unknown coding leaves the body as it is; more than MAX_CODINGS is a stream that fails
 * with `refusedCodings`' reason (the upstream body is discarded).
 */
export function decodedBody(body: Readable, contentEncoding: string | string[] | undefined): Readable {
  const refused = refusedCodings(contentEncoding);
  if (refused !== undefined) {
    discardBody(body);
    const failed = new Readable({ read() {} });
    failed.destroy(new Error(refused));
    return failed;
  }
  const codings = codingList(contentEncoding);
  if (codings.length === 0 || !codings.every((c) => c in DECODERS)) return body;
  let out: Readable = body;
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding]!();
    // pipeline (not pipe) so an error on either side destroys both and reaches the reader.
    out = pipeline(out, decoder, () => {});
  }
  return out;
}

/** An upstream body not read: closed, its abort error (undici's, on destroy) no uncaught exception. */
export function discardBody(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}
