/**
 * What other downloads leave in a model folder: the `.part` files of a killed one, and (on Windows)
 * a file another process holds open, which a rename cannot replace. Real files, a real hub on 127.0.0.1.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import type * as fsPromises from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { downloadModel } from '../../proxy/src/embedding/models/download';
import type { KnownModel } from '../../proxy/src/embedding/models/known-models';
import { ensureTinyModel, TINY_MODEL_DIR, tinyModelPin } from './support/tiny-model';

/** Set while a test plays Windows: a rename onto a file that exists fails as when another process holds it open. */
const windows = vi.hoisted(() => ({ holding: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  const { existsSync: exists } = await import('node:fs');
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (windows.holding && exists(to)) throw Object.assign(new Error(`EPERM: operation not permitted, rename '${from}' -> '${to}'`), { code: 'EPERM' });
      return actual.rename(from, to);
    },
  };
});

let tmp: string;
let model: KnownModel;
let server: Server;
let remoteHost: string;
/** Runs before each file's body ends: another proxy putting the same file in place meanwhile. */
let meanwhile: (file: string) => void = () => {};

beforeAll(async () => {
  ensureTinyModel();
  tmp = mkdtempSync(join(tmpdir(), 'tollgate-dl-leftovers-'));
  model = await tinyModelPin('test-org/tiny-leftovers');
  server = createServer((req, res) => {
    const file = decodeURIComponent(/\/resolve\/[^/]+\/(.+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1] ?? '');
    const bytes = readFileSync(join(TINY_MODEL_DIR, file));
    res.writeHead(200, { 'content-length': String(bytes.length) }).write(bytes.subarray(0, 1));
    meanwhile(file);
    res.end(bytes.subarray(1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

function partsUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((name) => name.endsWith('.part')).sort();
}

describe('downloadModel beside what other downloads left', () => {
  it("deletes a killed download's old `.part` files, and keeps a live download's fresh one", async () => {
    const modelsDir = join(tmp, 'killed', 'models');
    const dir = join(modelsDir, model.id);
    const killed = [join(dir, 'onnx', 'model_quantized.onnx.0a1b2c3d.part'), join(dir, 'config.json.part')];
    const live = join(dir, 'onnx', 'model_quantized.onnx.99887766.part');
    for (const path of [...killed, live]) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, 'half a file');
    }
    // Untouched for an hour; the live one was written a moment ago.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    for (const path of killed) utimesSync(path, anHourAgo, anHourAgo);
    const result = await downloadModel({ modelsDir, model, remoteHost });
    expect(result.fetched.sort()).toEqual([...model.files].sort());
    expect(partsUnder(dir)).toEqual(['onnx/model_quantized.onnx.99887766.part']);
  });

  it('on Windows, a file another proxy put in place meanwhile and holds open counts as done when it is the pinned one', async () => {
    const modelsDir = join(tmp, 'held', 'models');
    const dir = join(modelsDir, model.id);
    meanwhile = (file) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(TINY_MODEL_DIR, file), join(dir, file));
    };
    windows.holding = true;
    try {
      const result = await downloadModel({ modelsDir, model, remoteHost });
      expect(result.fetched.sort()).toEqual([...model.files].sort());
      expect(partsUnder(dir)).toEqual([]);
      for (const file of model.files) expect(readFileSync(join(dir, file))).toEqual(readFileSync(join(TINY_MODEL_DIR, file)));
    } finally {
      windows.holding = false;
      meanwhile = () => {};
    }
  });

  it('on Windows, a held file that is not the pinned weights is not taken for them: the rename error is reported', async () => {
    const modelsDir = join(tmp, 'held-bad', 'models');
    const weights = join(modelsDir, model.id, model.weights.path);
    meanwhile = (file) => {
      if (file !== model.weights.path) return;
      mkdirSync(dirname(weights), { recursive: true });
      writeFileSync(weights, 'not the weights');
    };
    windows.holding = true;
    try {
      await expect(downloadModel({ modelsDir, model, remoteHost })).rejects.toThrow(/^EPERM: operation not permitted, rename/);
      expect(existsSync(weights)).toBe(false); // deleted as it failed its pin (where Windows lets it be)
    } finally {
      windows.holding = false;
      meanwhile = () => {};
    }
  });
});
