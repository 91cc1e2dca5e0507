/**
 * Upstream bodies with a `content-encoding`. Tollgate does not ask for compression, but load
 * balancers and some OpenAI-compatible servers compress anyway; undici's `request` hands over the
 * bytes as sent, so a gzip or brotli answer would reach the JSON parser, the SSE parser and the
 * error relay still compressed. The decoded body is what every reader of an answer uses.
 */
import { pipeline, Readable } from 'node:stream';
import { ACCEPTED_CODINGS, codingList, DECODERS, MAX_CODINGS } from '../http/http';

/**
 * Why an answer with these codings is not read, else undefined: more than MAX_CODINGS (as for request bodies), or one this
 * Node cannot undo (zstd before 22.15), which passed on still coded reached the JSON reader as bytes ("not a complete JSON object").
 */
export function refusedCodings(contentEncoding: string | string[] | undefined): string | undefined {
  const codings = codingList(contentEncoding);
  if (codings.length > MAX_CODINGS) return `the upstream's answer lists ${codings.length} content codings; Tollgate undoes at most ${MAX_CODINGS}`;
  const unknown = codings.find((c) => !(c in DECODERS));
  return unknown === undefined ? undefined : `the upstream's answer is in the content coding ${JSON.stringify(unknown.slice(0, 40))}, which Tollgate cannot decode on Node ${process.versions.node} (it decodes ${ACCEPTED_CODINGS})`;
}

/**
 * The body with its content codings undone (listed in the order applied, so undone last first).
 * An upstream error (reset, idle timeout) still surfaces from the returned stream, with its code.
 * Codings `refusedCodings` refuses make a stream that fails with its reason (the upstream body discarded).
 */
export function decodedBody(body: Readable, contentEncoding: string | string[] | undefined): Readable {
  const refused = refusedCodings(contentEncoding);
  if (refused !== undefined) {
    discardBody(body);
    const failed = new Readable({ read() {} });
    failed.destroy(new Error(refused));
    return failed;
  }
  let out: Readable = body;
  for (const coding of codingList(contentEncoding).reverse()) {
    // pipeline (not pipe) so an error on either side destroys both and reaches the reader.
    out = pipeline(out, DECODERS[coding]!(), () => {});
  }
  return out;
}

/** An upstream body not read: closed, its abort error (undici's, on destroy) no uncaught exception. */
export function discardBody(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}
