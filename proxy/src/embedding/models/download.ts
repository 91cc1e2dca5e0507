import { existsSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { verifyPinnedFile } from './checksum';
import type { KnownModel } from './known-models';
import { modelDirOf } from './paths';
import { messageOf } from '../errorMessage';

export interface DownloadProgress {
  /** File being transferred (path inside the model folder). */
  file: string;
  loaded: number;
  /** Content-Length of that file (0 when the server sent none). */
  total: number;
  /** 0..1 over the whole model; dominated by the weights, whose size is pinned and known up front. */
  fraction: number;
}

export interface DownloadOptions {
  modelsDir: string;
  model: KnownModel;
  /** Hub base URL, laid out like huggingface.co: `{remoteHost}/{model}/resolve/{revision}/{file}`. */
  remoteHost: string;
  revision?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  dir: string;
  /** Files fetched over the network (already-present files are not fetched again). */
  fetched: string[];
}

/** URL of one file in the hub layout (the same template transformers.js uses: `{model}/resolve/{revision}/`). */
export function hubFileUrl(remoteHost: string, modelId: string, revision: string, file: string): string {
  const base = remoteHost.endsWith('/') ? remoteHost : `${remoteHost}/`;
  return new URL(`${modelId}/resolve/${encodeURIComponent(revision)}/${file}`, base).toString();
}

/**
 * Downloads a pinned model into `<modelsDir>/<id>/`. Each file is written to `<file>.part` and
 * renamed when complete; the weights are renamed only after their size and sha256 match the pin,
 * otherwise the partial file is deleted and ModelChecksumError is thrown. Files already present are
 * kept (present weights are re-verified, and fetched again if they fail).
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const { model, remoteHost, onProgress, signal } = options;
  const revision = options.revision ?? 'main';
  const dir = modelDirOf(options.modelsDir, model.id);
  const fetched: string[] = [];

  if (existsSync(join(dir, model.weights.path))) {
    // A pre-existing weights file that fails is deleted by the check; it is then fetched below.
    await verifyPinnedFile(model, dir).catch(() => undefined);
  }
  // Small files first, so the overall total is known by the time the weights stream.
  const todo = model.files
    .filter((f) => !existsSync(join(dir, f)))
    .sort((a, b) => Number(a === model.weights.path) - Number(b === model.weights.path));
  const weightsPending = todo.includes(model.weights.path);
  let doneBytes = 0;
  let plannedBytes = weightsPending ? model.weights.bytes : 0;

  for (const file of todo) {
    const url = hubFileUrl(remoteHost, model.id, revision, file);
    let response: Response;
    try {
      response = await fetch(url, signal ? { signal } : {});
    } catch (error) {
      // undici says only "fetch failed"; the cause (DNS, refused, offline) is what a user can act on.
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(`could not download ${model.id} from ${url} (${messageOf(error)}${cause})`);
    }
    if (!response.ok || !response.body) {
      throw new Error(`download of ${model.id} ${file} failed: HTTP ${response.status} from ${url}`);
    }
    const isWeights = file === model.weights.path;
    const total = Number(response.headers.get('content-length') ?? 0) || 0;
    if (!isWeights) plannedBytes += total;

    const target = join(dir, file);
    const part = `${target}.part`;
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(part, 'w');
    let loaded = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        loaded += chunk.length;
        onProgress?.({
          file,
          loaded,
          total,
          fraction: plannedBytes > 0 ? Math.min(1, (doneBytes + loaded) / plannedBytes) : 0,
        });
      }
    } catch (error) {
      await handle.close();
      await unlink(part).catch(() => undefined);
      throw error;
    }
    await handle.close();
    if (isWeights) await verifyPinnedFile(model, dir, part); // deletes the .part on mismatch
    await rename(part, target);
    doneBytes += loaded;
    fetched.push(file);
  }
  return { dir, fetched };
}
