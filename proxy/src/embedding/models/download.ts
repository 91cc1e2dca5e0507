import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { verifyPinnedFile } from './checksum';
import { DownloadAbortedError, downloadIdleTimeoutMs, streamDownload } from './fetch-stream';
import type { KnownModel } from './known-models';
import { modelDirOf } from './paths';

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
  /** Called when each file's request starts (loaded 0) and for every chunk received. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels the download: the socket is closed, the `.part` file deleted, and the call rejects. */
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long. Default `$TOLLGATE_MODEL_DOWNLOAD_IDLE_TIMEOUT` seconds, else 30 s; 0 = never. */
  idleTimeoutMs?: number;
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
 * Downloads a pinned model into `<modelsDir>/<id>/`. Each file is written to `<file>.<random>.part` and
 * renamed when complete; the weights are renamed only after their size and sha256 match the pin,
 * otherwise the partial file is deleted and ModelChecksumError is thrown. Files already present are
 * kept (present weights are re-verified, and fetched again if they fail). A server that sends nothing
 * for the idle timeout fails the download with DownloadStalledError, and `signal` cancels it with
 * DownloadAbortedError; either way the `.part` file is deleted and nothing is renamed into place.
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const { model, remoteHost, onProgress, signal } = options;
  const revision = options.revision ?? 'main';
  const dir = modelDirOf(options.modelsDir, model.id);
  const fetched: string[] = [];
  const idleTimeoutMs = options.idleTimeoutMs ?? downloadIdleTimeoutMs();

  // A killed download leaves its `.part` behind. A live one writes at least once per idle timeout (else it
  // fails and deletes its own), so one untouched for twice that (an hour with no timeout) is nobody's.
  const staleBefore = Date.now() - (idleTimeoutMs > 0 ? 2 * idleTimeoutMs : 3_600_000);
  for (const name of await readdir(dir, { recursive: true }).catch(() => [])) {
    const path = join(dir, name);
    if (name.endsWith('.part') && ((await stat(path).catch(() => undefined))?.mtimeMs ?? staleBefore) < staleBefore) await unlink(path).catch(() => undefined);
  }
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

  const stallHint =
    'Check the network or proxy, or point --remote-host / HF_ENDPOINT at a reachable mirror; ' +
    'on a machine that cannot reach it, fetch the model elsewhere and run `tollgate model import <dir>` (docs/embedding.md, "Offline / air-gapped").';

  const cancelled = () => new DownloadAbortedError(`download of ${model.id} cancelled`);

  for (const file of todo) {
    if (signal?.aborted) throw cancelled();
    const url = hubFileUrl(remoteHost, model.id, revision, file);
    const isWeights = file === model.weights.path;
    const target = join(dir, file);
    // Its own name per download: a second proxy on the same data folder would otherwise truncate this file, or rename it away.
    const part = `${target}.${randomBytes(4).toString('hex')}.part`;
    let total = 0;
    let loaded = 0;
    const report = () =>
      onProgress?.({
        file,
        loaded,
        total,
        fraction: plannedBytes > 0 ? Math.min(1, (doneBytes + loaded) / plannedBytes) : 0,
      });
    // Before the request: a host that never answers still shows which file is being waited for.
    report();
    // Opened once the server answers; a cast, since the callbacks assign it (no narrowing to undefined).
    let handle = undefined as FileHandle | undefined;
    try {
      await streamDownload(url, {
        label: model.id,
        httpLabel: `${model.id} ${file}`,
        stallHint,
        idleTimeoutMs,
        ...(signal ? { signal } : {}),
        onResponse: async (length) => {
          total = length;
          if (!isWeights) plannedBytes += total;
          await mkdir(dirname(target), { recursive: true });
          handle = await open(part, 'w');
        },
        onChunk: async (chunk) => {
          await handle!.write(chunk);
          loaded += chunk.length;
          report();
        },
      });
    } catch (error) {
      // Stalled, cancelled or cut off: nothing half-written stays behind.
      await handle?.close().catch(() => undefined);
      if (handle) await unlink(part).catch(() => undefined);
      throw error;
    }
    await handle!.close();
    if (isWeights) await verifyPinnedFile(model, dir, part); // deletes the .part on mismatch
    if (signal?.aborted) {
      await unlink(part).catch(() => undefined);
      throw cancelled();
    }
    await rename(part, target).catch(async (error: unknown) => {
      // Windows refuses to replace a file another process holds open (EPERM, EBUSY): another proxy's
      // download that finished first and loaded it. Kept when it is there and, for the weights, pinned.
      if (!existsSync(target) || (isWeights && !(await verifyPinnedFile(model, dir).then(() => true, () => false)))) throw error;
      await unlink(part);
    });
    doneBytes += loaded;
    fetched.push(file);
  }
  return { dir, fetched };
}
