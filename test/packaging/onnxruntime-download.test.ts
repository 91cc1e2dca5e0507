/**
 * The .vsix leaves onnxruntime-node's native library out; the transformers.js embedder fetches it
 * on first use from the npm registry (proxy/src/embedding/models/onnxruntime.ts). Here a local
 * registry on 127.0.0.1 serves tarballs made from the installed package's own files: the download
 * is verified against the pinned integrity, unpacked for one platform, cached, and the unpacked
 * binding really loads; a tarball whose bytes differ from the pin is refused and nothing is written.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureOnnxRuntime,
  IntegrityError,
  installedBinding,
  integrityOf,
  ONNXRUNTIME_NODE,
  type NpmPin,
  runtimeDirOf,
  tarballUrl,
} from '../../proxy/src/embedding/models/onnxruntime';
import { readTar } from '../../proxy/src/embedding/models/tar';

const root = resolve(import.meta.dirname, '../..');
const ortDir = join(root, 'node_modules/onnxruntime-node');
const host = `${process.platform}-${process.arch}`;

let tmp: string;
let server: Server;
let registry: string;
let requests: string[] = [];
const served = new Map<string, Buffer>();

/** A tarball laid out as npm packs one (`package/...`), from the installed package's files. */
function makeTarball(name: string, files: Record<string, string>): Buffer {
  const stage = join(tmp, `stage-${name}`);
  for (const [rel, from] of Object.entries(files)) {
    mkdirSync(join(stage, 'package', rel, '..'), { recursive: true });
    cpSync(from, join(stage, 'package', rel));
  }
  const out = join(tmp, `${name}.tgz`);
  const r = spawnSync('tar', ['-czf', out, '-C', stage, 'package'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return readFileSync(out);
}

function pinFor(tgz: Buffer, version: string): NpmPin {
  return { name: 'onnxruntime-node', version, integrity: integrityOf(tgz) };
}

function serve(pin: NpmPin, tgz: Buffer): void {
  served.set(new URL(tarballUrl(registry, pin)).pathname, tgz);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tollgate-ort-dl-'));
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = served.get(req.url ?? '');
    if (!body) {
      res.writeHead(404, { connection: 'close' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, connection: 'close' });
    // Two writes, so progress is reported more than once.
    res.write(body.subarray(0, body.length >> 1));
    res.end(body.subarray(body.length >> 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

describe('onnxruntime-node pin', () => {
  it('is the exact version and integrity package-lock.json installs', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity: string }> };
    const entry = lock.packages['node_modules/onnxruntime-node']!;
    expect({ version: ONNXRUNTIME_NODE.version, integrity: ONNXRUNTIME_NODE.integrity }).toEqual({ version: entry.version, integrity: entry.integrity });
  });

  it('names the registry tarball as npm does', () => {
    expect(tarballUrl('https://registry.example/', ONNXRUNTIME_NODE)).toBe('https://registry.example/onnxruntime-node/-/onnxruntime-node-1.21.0.tgz');
    expect(tarballUrl('http://127.0.0.1:9/npm', { name: '@s/pkg', version: '2.0.0', integrity: 'sha512-x' })).toBe('http://127.0.0.1:9/npm/@s/pkg/-/pkg-2.0.0.tgz');
  });
});

describe('first-use download of the native library', () => {
  it('downloads, verifies and unpacks only the platform folder, reports progress, then serves the cache', async () => {
    const tgz = makeTarball('two-platforms', {
      'package.json': join(ortDir, 'package.json'),
      'bin/napi-v3/linux/x64/onnxruntime_binding.node': join(root, 'package.json'),
      'bin/napi-v3/linux/x64/libonnxruntime.so.1': join(root, 'package.json'),
      'bin/napi-v3/linux/x64/libonnxruntime.so.1.21.0': join(root, 'package.json'),
      'bin/napi-v3/darwin/arm64/onnxruntime_binding.node': join(root, 'LICENSE'),
    });
    // The tar reader sees what tar wrote.
    expect(
      readTar(gunzipSync(tgz))
        .map((f) => f.path)
        .sort(),
    ).toContain('package/bin/napi-v3/darwin/arm64/onnxruntime_binding.node');
    const pin = pinFor(tgz, '0.0.1-two');
    serve(pin, tgz);
    const modelsDir = join(tmp, 'models-a');
    const progress: Array<{ loaded: number; total: number }> = [];
    const logs: string[] = [];
    requests = [];
    const first = await ensureOnnxRuntime({ modelsDir, registry, pin, platform: 'linux', arch: 'x64', allowDownload: true, onProgress: (p) => progress.push(p), log: (l) => logs.push(l) });
    const dir = runtimeDirOf(modelsDir, pin, 'linux', 'x64');
    expect(first).toEqual({ binding: join(dir, 'onnxruntime_binding.node'), downloaded: true });
    expect(readdirSync(dir).sort()).toEqual(['libonnxruntime.so.1', 'onnxruntime_binding.node']);
    expect(readFileSync(first.binding, 'utf8')).toBe(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ loaded: tgz.length, total: tgz.length });
    expect(logs.join('\n')).toMatch(/downloading onnxruntime-node@0\.0\.1-two \(native runtime for linux-x64\) from http:\/\/127\.0\.0\.1/);
    expect(requests).toEqual(['/onnxruntime-node/-/onnxruntime-node-0.0.1-two.tgz']);

    const again = await ensureOnnxRuntime({ modelsDir, registry, pin, platform: 'linux', arch: 'x64', allowDownload: true });
    expect(again).toEqual({ binding: first.binding, downloaded: false });
    expect(requests).toHaveLength(1);
    expect(readdirSync(join(dir, '..'))).toEqual(['linux-x64']); // no staging folder left behind
  });

  it('refuses a tarball whose bytes differ from the pinned integrity, and writes nothing', async () => {
    const tgz = makeTarball('tampered', { 'package.json': join(ortDir, 'package.json'), 'bin/napi-v3/linux/x64/onnxruntime_binding.node': join(root, 'package.json') });
    const pin = { ...pinFor(tgz, '0.0.2-tampered') };
    const tampered = Buffer.from(tgz);
    tampered[tampered.length - 10]! ^= 0xff;
    serve(pin, tampered);
    const modelsDir = join(tmp, 'models-b');
    const err = await ensureOnnxRuntime({ modelsDir, registry, pin, platform: 'linux', arch: 'x64', allowDownload: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect((err as Error).message).toContain(`expected ${pin.integrity}, got ${integrityOf(tampered)}`);
    expect((err as Error).message).toMatch(/Nothing was unpacked/);
    expect(existsSync(join(modelsDir, '.runtime'))).toBe(false);
  });

  it('says what is missing when downloads are off, and names the URL on an HTTP error', async () => {
    const pin: NpmPin = { name: 'onnxruntime-node', version: '0.0.3-absent', integrity: 'sha512-AAAA' };
    const modelsDir = join(tmp, 'models-c');
    await expect(ensureOnnxRuntime({ modelsDir, registry, pin, platform: 'linux', arch: 'x64', allowDownload: false })).rejects.toThrow(
      /needs onnxruntime-node@0\.0\.3-absent's native library for linux-x64, .*downloads are off/,
    );
    await expect(ensureOnnxRuntime({ modelsDir, registry, pin, platform: 'linux', arch: 'x64', allowDownload: true })).rejects.toThrow(
      `download of onnxruntime-node@0.0.3-absent failed: HTTP 404 from ${registry}onnxruntime-node/-/onnxruntime-node-0.0.3-absent.tgz`,
    );
  });

  it.runIf(existsSync(join(ortDir, 'bin/napi-v3', process.platform, process.arch)))(`the unpacked ${host} binding loads and runs onnxruntime`, async () => {
    const bin = join(ortDir, 'bin/napi-v3', process.platform, process.arch);
    const files = Object.fromEntries(readdirSync(bin).map((f) => [`bin/napi-v3/${process.platform}/${process.arch}/${f}`, join(bin, f)]));
    const tgz = makeTarball('real', { 'package.json': join(ortDir, 'package.json'), ...files });
    const pin = pinFor(tgz, '0.0.4-real');
    serve(pin, tgz);
    const modelsDir = join(tmp, 'models-d');
    const { binding } = await ensureOnnxRuntime({ modelsDir, registry, pin, allowDownload: true });
    expect(binding.startsWith(modelsDir)).toBe(true);
    // A fresh process, so nothing from node_modules is already loaded: the binding and the
    // libonnxruntime it links must both come from the download folder.
    const r = spawnSync(process.execPath, ['-e', `const b = require(${JSON.stringify(binding)}); console.log(typeof b.InferenceSession, typeof b.initOrtOnce);`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('function function');
  });

  it('needs no download in a checkout, where onnxruntime-node has its binaries', () => {
    const present = existsSync(join(ortDir, 'bin/napi-v3', process.platform, process.arch, 'onnxruntime_binding.node'));
    expect(installedBinding() !== undefined).toBe(present);
  });
});
