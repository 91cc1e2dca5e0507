import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTransformersEmbedder } from '../../proxy/src/embedding/backends/transformers';
import type { TransformersEmbedderConfig } from '../../proxy/src/embedding/config';
import { ModelChecksumError } from '../../proxy/src/embedding/models/checksum';
import { importModel } from '../../proxy/src/embedding/models/import';
import type { KnownModel } from '../../proxy/src/embedding/models/known-models';
import type { Embedder } from '../../proxy/src/embedding/types';
import { startFakeHub, type FakeHub } from './support/hub-server';
import { ensureTinyModel, TINY_DIMENSIONS, TINY_MODEL_DIR, TINY_MODEL_NAME, TINY_MODELS_DIR, tinyModelPin } from './support/tiny-model';

const HUB_ID = 'test-org/tiny-bert-random';
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

let hub: FakeHub;
let tmp: string;
const opened: Embedder[] = [];

function config(model: KnownModel, modelsDir: string, allowDownload: boolean): TransformersEmbedderConfig {
  return { backend: 'transformers', model, modelsDir, allowDownload, remoteHost: hub.url };
}

async function open(c: TransformersEmbedderConfig, progress?: number[]): Promise<Embedder> {
  const embedder = await openTransformersEmbedder(c, {
    onLoading: (u) => {
      if (u.progress !== undefined) progress?.push(u.progress);
    },
  });
  opened.push(embedder);
  return embedder;
}

beforeAll(async () => {
  ensureTinyModel();
  tmp = mkdtempSync(join(tmpdir(), 'tollgate-embed-tf-'));
  hub = await startFakeHub({ [HUB_ID]: TINY_MODEL_DIR });
});

afterAll(async () => {
  for (const e of opened) await e.close();
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('transformers.js backend with the tiny fixture model', () => {
  it('loads from a directory and returns normalised vectors of the model width, batch order preserved', async () => {
    const model = await tinyModelPin(TINY_MODEL_NAME);
    const embedder = await open(config(model, TINY_MODELS_DIR, false));
    expect(embedder.info).toMatchObject({ backend: 'transformers', modelId: TINY_MODEL_NAME, dimensions: TINY_DIMENSIONS });

    const texts = ['the weather in paris', 'reset my password', 'the weather in paris today and tomorrow'];
    const batch = await embedder.embed(texts);
    expect(batch).toHaveLength(3);
    for (const v of batch) {
      expect(v).toHaveLength(TINY_DIMENSIONS);
      expect(dot(v, v)).toBeCloseTo(1, 5);
    }
    // Each batch row equals embedding that text alone (padding must not leak into mean pooling).
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embed([text]);
      expect(dot(single!, batch[i]!)).toBeCloseTo(1, 5);
    }
    expect(dot(batch[0]!, batch[1]!)).toBeLessThan(0.999);
  });

  it('refuses to load a missing model without download, pointing to the CLI', async () => {
    const model = await tinyModelPin('test-org/absent-model');
    await expect(openTransformersEmbedder(config(model, join(tmp, 'empty'), false))).rejects.toThrow(/tollgate model download/);
  });

  it('downloads from a hub-layout server with progress, then loads from the cache without any request', async () => {
    const model = await tinyModelPin(HUB_ID);
    const modelsDir = join(tmp, 'download', 'models');
    const progress: number[] = [];
    const before = hub.requests.length;
    const downloaded = await open(config(model, modelsDir, true), progress);

    const fetched = hub.requests.slice(before);
    expect(fetched.sort()).toEqual(model.files.map((f) => `/${HUB_ID}/resolve/main/${f}`).sort());
    expect(existsSync(join(modelsDir, HUB_ID, 'onnx/model_quantized.onnx'))).toBe(true);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    // Same weights as the fixture folder → same vectors.
    const direct = await open(config(await tinyModelPin(TINY_MODEL_NAME), TINY_MODELS_DIR, false));
    const [a] = await downloaded.embed(['cache the proxy response']);
    const [b] = await direct.embed(['cache the proxy response']);
    expect(dot(a!, b!)).toBeCloseTo(1, 5);

    const again = hub.requests.length;
    await open(config(model, modelsDir, true));
    expect(hub.requests.length).toBe(again);
  });

  it('refuses a download whose checksum does not match the pin and leaves no file behind', async () => {
    const model = await tinyModelPin(HUB_ID, { wrongSha: true });
    const modelsDir = join(tmp, 'bad-download', 'models');
    const error = await openTransformersEmbedder(config(model, modelsDir, true)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelChecksumError);
    expect((error as Error).message).toMatch(/checksum mismatch .*model_quantized\.onnx.*deleted/);
    const onnxDir = join(modelsDir, HUB_ID, 'onnx');
    expect(existsSync(onnxDir) ? readdirSync(onnxDir) : []).toEqual([]);
  });

  it('re-verifies on load: a tampered weights file is refused and deleted', async () => {
    const modelsDir = join(tmp, 'tampered', 'models');
    cpSync(TINY_MODEL_DIR, join(modelsDir, HUB_ID), { recursive: true });
    const weights = join(modelsDir, HUB_ID, 'onnx/model_quantized.onnx');
    writeFileSync(weights, Buffer.from('not the pinned model'), { flag: 'a' });
    const model = await tinyModelPin(HUB_ID);
    await expect(openTransformersEmbedder(config(model, modelsDir, false))).rejects.toBeInstanceOf(ModelChecksumError);
    expect(existsSync(weights)).toBe(false);
  });

  it('imports a local folder after verifying it, and refuses a folder that fails the pin', async () => {
    const modelsDir = join(tmp, 'import', 'models');
    await expect(importModel(TINY_MODEL_DIR, modelsDir, await tinyModelPin(HUB_ID, { wrongSha: true }))).rejects.toBeInstanceOf(
      ModelChecksumError,
    );
    expect(existsSync(join(modelsDir, HUB_ID, 'onnx/model_quantized.onnx'))).toBe(false);
    expect(existsSync(join(modelsDir, HUB_ID, 'config.json'))).toBe(false);

    const model = await tinyModelPin(HUB_ID);
    await importModel(TINY_MODEL_DIR, modelsDir, model);
    const before = hub.requests.length;
    const embedder = await open(config(model, modelsDir, true));
    expect(hub.requests.length).toBe(before);
    expect((await embedder.embed(['hello world']))[0]).toHaveLength(TINY_DIMENSIONS);
  });
});
