import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { KnownModel, PinnedFile } from './known-models';

/** A model file whose bytes are not the pinned ones; the file has been deleted. */
export class ModelChecksumError extends Error {
  override readonly name = 'ModelChecksumError';
  constructor(
    readonly modelId: string,
    readonly file: string,
    readonly expected: { bytes: number; sha256: string },
    readonly actual: { bytes: number; sha256: string },
  ) {
    super(
      `checksum mismatch for ${modelId} ${file}: expected ${expected.bytes} bytes sha256 ${expected.sha256}, ` +
        `got ${actual.bytes} bytes sha256 ${actual.sha256}. The file was deleted and will not be loaded ` +
        `(corrupted transfer, a changed upstream revision or a tampered mirror). Retry \`tollgate model download\`, ` +
        `or copy a verified folder with \`tollgate model import <dir>\`.`,
    );
  }
}

export async function sha256File(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    bytes += buf.length;
    hash.update(buf);
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Checks `filePath` against `pin`; on mismatch deletes the file and throws ModelChecksumError.
 * `filePath` defaults to the pinned path inside `modelDir` (it differs for a `.part` download).
 */
export async function verifyPinnedFile(model: KnownModel, modelDir: string, filePath?: string): Promise<void> {
  const pin: PinnedFile = model.weights;
  const path = filePath ?? join(modelDir, pin.path);
  const actual = await sha256File(path);
  if (actual.bytes !== pin.bytes || actual.sha256 !== pin.sha256.toLowerCase()) {
    await unlink(path).catch(() => undefined);
    throw new ModelChecksumError(model.id, pin.path, { bytes: pin.bytes, sha256: pin.sha256 }, actual);
  }
}
