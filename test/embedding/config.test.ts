import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MINILM_MODEL_ID } from '../../proxy/src/embedding/models/known-models';
import { resolveEmbedderConfig } from '../../proxy/src/embedding/service';

const saved = process.env.TOLLGATE_MODEL_DOWNLOAD;
afterEach(() => {
  if (saved === undefined) delete process.env.TOLLGATE_MODEL_DOWNLOAD;
  else process.env.TOLLGATE_MODEL_DOWNLOAD = saved;
});

describe('resolveEmbedderConfig', () => {
  it('auto wraps the pinned MiniLM under <dataDir>/models, downloads allowed by default', () => {
    delete process.env.TOLLGATE_MODEL_DOWNLOAD;
    const config = resolveEmbedderConfig({ dataDir: '/data/tg', remoteHost: 'http://mirror.local/' });
    expect(config).toMatchObject({
      backend: 'auto',
      transformers: { modelsDir: join('/data/tg', 'models'), allowDownload: true, remoteHost: 'http://mirror.local/', model: { id: MINILM_MODEL_ID, dimensions: 384 } },
    });
    if (config?.backend !== 'auto') throw new Error('expected auto');
    expect(config.transformers.model.weights).toEqual({
      path: 'onnx/model_quantized.onnx',
      bytes: 22_972_370,
      sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
    });
  });

  it('TOLLGATE_MODEL_DOWNLOAD=0 turns downloads off unless the caller says otherwise', () => {
    process.env.TOLLGATE_MODEL_DOWNLOAD = '0';
    const config = resolveEmbedderConfig({ backend: 'transformers', dataDir: '/d' });
    expect(config).toMatchObject({ backend: 'transformers', allowDownload: false });
    expect(resolveEmbedderConfig({ backend: 'transformers', dataDir: '/d', allowDownload: true })).toMatchObject({ allowDownload: true });
  });

  it('off resolves to nothing; use-lite and upstream need no model', () => {
    expect(resolveEmbedderConfig({ backend: 'off' })).toBeUndefined();
    expect(resolveEmbedderConfig({ backend: 'use-lite' })).toEqual({ backend: 'use-lite' });
    expect(resolveEmbedderConfig({ backend: 'upstream', upstream: { model: 'm1', baseUrl: 'http://127.0.0.1:1/v1' } })).toMatchObject({
      backend: 'upstream',
      model: 'm1',
      baseUrl: 'http://127.0.0.1:1/v1',
    });
  });

  it('refuses a model without a pinned checksum', () => {
    expect(() => resolveEmbedderConfig({ modelId: 'someone/unknown' })).toThrow(/no pinned checksum/);
  });
});
