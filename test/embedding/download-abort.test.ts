import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { modelCommand, type ModelCommandIO } from '../../proxy/src/cli/model';
import { verifyPinnedFile } from '../../proxy/src/embedding/models/checksum';
import { downloadModel } from '../../proxy/src/embedding/models/download';
import { DOWNLOAD_IDLE_TIMEOUT_ENV, DownloadAbortedError, DownloadStalledError } from '../../proxy/src/embedding/models/fetch-stream';
import { registerKnownModel, type KnownModel } from '../../proxy/src/embedding/models/known-models';
import { EmbeddingService } from '../../proxy/src/embedding/service';
import { ensureTinyModel, TINY_MODEL_DIR, tinyModelPin } from './support/tiny-model';

/**
 * Hosts that stall: `silent` accepts connections and never answers; `midBody` serves the small
 * files, then sends the weights' headers and half their bytes and goes quiet. Both stay open until
 * the test closes them, so only the client's idle timeout or abort can end a download.
 */
interface StallingHub {
  url: string;
  /** Resolves once the server has stalled on some request (no reply, or half a body). */
  stalled: Promise<void>;
  close(): Promise<void>;
}

async function startStallingHub(mode: 'silent' | 'midBody'): Promise<StallingHub> {
  let markStalled!: () => void;
  const stalled = new Promise<void>((resolve) => (markStalled = resolve));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (mode === 'silent') {
      markStalled();
      return; // never answers
    }
    const file = /\/resolve\/[^/]+\/(.+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    const path = file ? join(TINY_MODEL_DIR, decodeURIComponent(file)) : '';
    if (!file || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    const bytes = readFileSync(path);
    res.writeHead(200, { 'content-length': String(bytes.length) });
    if (!file.endsWith('.onnx')) {
      res.end(bytes);
      return;
    }
    res.write(bytes.subarray(0, bytes.length >> 1), () => markStalled()); // and nothing more
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    stalled,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every file under `dir` (relative paths), [] when it does not exist. */
function filesUnder(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; name: string; parentPath?: string; path?: string }>)
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? e.path ?? '', e.name).slice(dir.length + 1)) : [];
}

let tmp: string;
let model: KnownModel;
const hubs: StallingHub[] = [];
const services: EmbeddingService[] = [];

async function hub(mode: 'silent' | 'midBody'): Promise<StallingHub> {
  const h = await startStallingHub(mode);
  hubs.push(h);
  return h;
}

beforeAll(async () => {
  ensureTinyModel();
  tmp = mkdtempSync(join(tmpdir(), 'tollgate-dl-abort-'));
  model = await tinyModelPin('test-org/tiny-stall');
  // Pins are resolved in the caller's thread and sent to the worker, so registering here is enough.
  registerKnownModel(model);
});

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const h of hubs.splice(0)) await h.close();
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('downloadModel against a stalling host', () => {
  it('a host that accepts and never answers fails with the idle-timeout message, leaving nothing', async () => {
    const h = await hub('silent');
    const modelsDir = join(tmp, 'silent', 'models');
    const progress: string[] = [];
    const error = await downloadModel({ modelsDir, model, remoteHost: h.url, idleTimeoutMs: 200, onProgress: (p) => progress.push(`${p.file}:${p.loaded}`) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadStalledError);
    const host = new URL(h.url).host;
    expect((error as Error).message).toContain(`download of test-org/tiny-stall stalled: ${host} sent nothing for 200 ms`);
    expect((error as Error).message).toMatch(/tollgate model import <dir>/);
    expect((error as Error).message).toContain(DOWNLOAD_IDLE_TIMEOUT_ENV);
    // The file being waited for was reported before any byte arrived.
    expect(progress).toEqual(['config.json:0']);
    expect(filesUnder(modelsDir)).toEqual([]);
  }, 30_000);

  it('a host that stops mid-body fails with the idle-timeout message and deletes the partial weights', async () => {
    const h = await hub('midBody');
    const modelsDir = join(tmp, 'mid-body', 'models');
    // 2 s, not less: the small files come from a loopback server, but on a loaded machine one can take
    // a few hundred ms, and the timeout must only fire on the weights that never come.
    const error = await downloadModel({ modelsDir, model, remoteHost: h.url, idleTimeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadStalledError);
    expect((error as Error).message).toMatch(/onnx\/model_quantized\.onnx\)\. Check the network/);
    const left = filesUnder(join(modelsDir, model.id));
    // The small files completed and were renamed into place; the weights did not, and no .part remains.
    expect(left.sort()).toEqual(model.files.filter((f) => f !== model.weights.path).sort());
  }, 30_000);

  it('an AbortSignal cancels a stalled download (no idle timeout involved) and deletes the partial file', async () => {
    const h = await hub('midBody');
    const modelsDir = join(tmp, 'aborted', 'models');
    const abort = new AbortController();
    const pending = downloadModel({ modelsDir, model, remoteHost: h.url, idleTimeoutMs: 0, signal: abort.signal }).catch((e: unknown) => e);
    await h.stalled;
    abort.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(DownloadAbortedError);
    expect(filesUnder(modelsDir).filter((f) => f.endsWith('.part') || f.endsWith('.onnx'))).toEqual([]);
  }, 30_000);

  it('`tollgate model download` prints a progress line at once and fails with the timeout from the env', async () => {
    const h = await hub('silent');
    let err = '';
    let failure: string | undefined;
    const io: ModelCommandIO = {
      out: () => undefined,
      err: {
        write: (t) => {
          err += t;
        },
        isTTY: false,
      },
      fail: (m) => {
        failure = m;
      },
    };
    const saved = process.env[DOWNLOAD_IDLE_TIMEOUT_ENV];
    process.env[DOWNLOAD_IDLE_TIMEOUT_ENV] = '0.25';
    try {
      await modelCommand(io)
        .exitOverride()
        .parseAsync(['download', '--data-dir', join(tmp, 'cli'), '--model', model.id, '--remote-host', h.url], { from: 'user' });
    } finally {
      if (saved === undefined) delete process.env[DOWNLOAD_IDLE_TIMEOUT_ENV];
      else process.env[DOWNLOAD_IDLE_TIMEOUT_ENV] = saved;
    }
    expect(err).toMatch(/^\s*0% config\.json\n/);
    expect(failure).toMatch(/stalled: 127\.0\.0\.1:\d+ sent nothing for 250 ms/);
    expect(filesUnder(join(tmp, 'cli'))).toEqual([]);
  }, 30_000);
});

describe('EmbeddingService.close() during a stalled download', () => {
  for (const backend of ['transformers', 'auto'] as const) {
    for (const mode of ['silent', 'midBody'] as const) {
      it(`${backend}, ${mode === 'silent' ? 'host never answers' : 'host stops mid-body'}: close() resolves and leaves no model files`, async () => {
        const h = await hub(mode);
        const dataDir = join(tmp, `svc-${backend}-${mode}`);
        const logs: string[] = [];
        // No idle timeout: only close() can end this download.
        const service = new EmbeddingService({ backend, dataDir, modelId: model.id, allowDownload: true, remoteHost: h.url, downloadIdleTimeoutMs: 0, log: (l) => logs.push(l) });
        services.push(service);
        service.start();
        const ready = service.ready().catch((e: unknown) => e);
        await h.stalled;
        await service.close();
        expect(service.state.state).toBe('disabled');
        expect(await ready).toBeInstanceOf(Error);
        const modelDir = join(dataDir, 'models', model.id);
        const left = filesUnder(modelDir);
        expect(left.filter((f) => f.endsWith('.part'))).toEqual([]);
        expect(left).not.toContain(model.weights.path);
        // A closed session does not go on to load the USE-lite fallback.
        expect(logs.filter((l) => /USE-lite/.test(l))).toEqual([]);
      }, 60_000);
    }
  }
});

describe('two proxies downloading the same model into one data folder at once', () => {
  it('both end with the verified model, neither failing on the other one’s partial file', async () => {
    // Each file's first request is answered only once a second request for it has been served
    // whole: the first download then writes its `.part` after the second renamed its own. Once a
    // download has ended, nothing is held (the other would wait for a request that never comes).
    const waiting = new Map<string, () => void>();
    let alone = false;
    const server = createServer((req, res) => {
      const file = /\/resolve\/[^/]+\/(.+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1] ?? '';
      const bytes = readFileSync(join(TINY_MODEL_DIR, decodeURIComponent(file)));
      res.writeHead(200, { 'content-length': String(bytes.length) }).flushHeaders();
      const release = waiting.get(file);
      waiting.delete(file);
      if (release) res.end(bytes, release);
      else if (alone) res.end(bytes);
      else waiting.set(file, () => res.end(bytes));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const modelsDir = join(tmp, 'side-by-side', 'models');
    const download = () =>
      downloadModel({ modelsDir, model, remoteHost }).finally(() => {
        alone = true;
        for (const release of waiting.values()) release();
        waiting.clear();
      });
    try {
      const results = await Promise.allSettled([download(), download()]);
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
      expect(filesUnder(join(modelsDir, model.id)).sort()).toEqual([...model.files].sort());
      await verifyPinnedFile(model, join(modelsDir, model.id));
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});
