/**
 * Upstream bodies with a `content-encoding`. Tollgate does not ask for compression, but load
 * balancers and some OpenAI-compatible servers compress anyway; undici's `request` hands over the
 * bytes as sent, so a gzip or brotli answer would reach the JSON parser, the SSE parser and the
 * error relay still compressed. The decoded body is what every reader of an answer uses.
 */
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * The body with its content codings undone (listed in the order applied, so undone last first).
 * An upstream error (reset, idle timeout) still surfaces from the returned stream, with its code.
 * An unknown coding leaves the body as it is.
 */
export function decodedBody(body: Readable, contentEncoding: string | string[] | undefined): Readable {
  const codings = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : (contentEncoding ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0 || !codings.every((c) => c in DECODERS)) return body;
  let out: Readable = body;
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding]!();
    // pipeline (not pipe) so an error on either side destroys both and reaches the reader.
    out = pipeline(out, decoder, () => {});
  }
  return out;
}
