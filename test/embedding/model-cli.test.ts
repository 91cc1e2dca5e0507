import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCommand, type ModelCommandIO } from '../../proxy/src/cli/model';
import { registerKnownModel } from '../../proxy/src/embedding/models/known-models';
import { startFakeHub, type FakeHub } from './support/hub-server';
import { ensureTinyModel, TINY_MODEL_DIR, tinyModelPin } from './support/tiny-model';

let tmp: string;
let hub: FakeHub;

/** Runs `tollgate model …` in-process and captures what it prints. */
async function run(args: string[]): Promise<{ out: string; err: string; failure?: string }> {
  let out = '';
  let err = '';
  let failure: string | undefined;
  const io: ModelCommandIO = {
    out: (t) => void (out += t),
    err: { write: (t) => void (err += t), isTTY: false },
    fail: (m) => void (failure = m),
  };
  await modelCommand(io).exitOverride().parseAsync(args, { from: 'user' });
  return failure === undefined ? { out, err } : { out, err, failure };
}

beforeAll(async () => {
  ensureTinyModel();
  tmp = mkdtempSync(join(tmpdir(), 'tollgate-model-cli-'));
  registerKnownModel(await tinyModelPin('test-org/tiny-cli'));
  registerKnownModel(await tinyModelPin('test-org/tiny-cli-wrong', { wrongSha: true }));
  hub = await startFakeHub({ 'test-org/tiny-cli': TINY_MODEL_DIR, 'test-org/tiny-cli-wrong': TINY_MODEL_DIR });
});

afterAll(async () => {
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('tollgate model', () => {
  it('status reports a missing model and the USE-lite fallback', async () => {
    const { out } = await run(['status', '--data-dir', join(tmp, 'empty'), '--json']);
    const report = JSON.parse(out) as { modelId: string; installed: boolean; verified: boolean; autoEmbedder: { backend: string } };
    expect(report).toMatchObject({ modelId: 'Xenova/all-MiniLM-L6-v2', installed: false, verified: false });
    expect(report.autoEmbedder.backend).toBe('use-lite');
    const text = await run(['status', '--data-dir', join(tmp, 'empty')]);
    expect(text.out).toMatch(/not installed/);
    expect(text.out).toMatch(/USE-lite/);
  });

  it('import copies a verified folder; status then says verified', async () => {
    const dataDir = join(tmp, 'imported');
    const result = await run(['import', TINY_MODEL_DIR, '--data-dir', dataDir, '--model', 'test-org/tiny-cli']);
    expect(result.failure).toBeUndefined();
    expect(result.out).toMatch(/imported test-org\/tiny-cli .*checksum verified/);
    const { out } = await run(['status', '--data-dir', dataDir, '--model', 'test-org/tiny-cli', '--json']);
    expect(JSON.parse(out)).toMatchObject({ installed: true, verified: true, autoEmbedder: { backend: 'transformers' } });
  });

  it('import refuses a folder whose weights fail the pin', async () => {
    const dataDir = join(tmp, 'bad-import');
    const result = await run(['import', TINY_MODEL_DIR, '--data-dir', dataDir, '--model', 'test-org/tiny-cli-wrong']);
    expect(result.failure).toMatch(/checksum mismatch/);
    expect(existsSync(join(dataDir, 'models', 'test-org', 'tiny-cli-wrong', 'onnx', 'model_quantized.onnx'))).toBe(false);
  });

  it('download shows progress on stderr, verifies, and does not fetch again when installed', async () => {
    const dataDir = join(tmp, 'downloaded');
    const args = ['download', '--data-dir', dataDir, '--model', 'test-org/tiny-cli', '--remote-host', hub.url];
    const first = await run(args);
    expect(first.failure).toBeUndefined();
    expect(first.out).toMatch(/downloaded test-org\/tiny-cli .*checksum verified/);
    expect(first.err).toMatch(/100%.*onnx\/model_quantized\.onnx/);
    const requests = hub.requests.length;
    const second = await run(args);
    expect(second.out).toMatch(/already installed/);
    expect(hub.requests.length).toBe(requests);
  });

  it('download refuses weights that fail the pin', async () => {
    const dataDir = join(tmp, 'bad-download');
    const result = await run(['download', '--data-dir', dataDir, '--model', 'test-org/tiny-cli-wrong', '--remote-host', hub.url]);
    expect(result.failure).toMatch(/checksum mismatch .*deleted/);
    expect(existsSync(join(dataDir, 'models', 'test-org', 'tiny-cli-wrong', 'onnx', 'model_quantized.onnx'))).toBe(false);
  });

  it('an unknown model id is refused (nothing unpinned is ever loaded)', async () => {
    const result = await run(['download', '--data-dir', join(tmp, 'x'), '--model', 'someone/unpinned', '--remote-host', hub.url]);
    expect(result.failure).toMatch(/no pinned checksum/);
  });
});
