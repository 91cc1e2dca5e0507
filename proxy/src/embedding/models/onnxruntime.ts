/**
 * onnxruntime-node's native library, fetched on first use of the transformers.js embedder.
 *
 * The .vsix ships onnxruntime-node's JavaScript but not its per-platform binaries (10 MB
 * compressed, a quarter of the package): only the optional transformers.js backend loads them, and
 * that backend downloads its model weights on first use anyway. The binaries come from the same
 * place `npm install` takes them — the package's tarball on the npm registry, at the exact version
 * package-lock.json pins, checked against the lock file's sha512 integrity before a byte is
 * unpacked — and are cached under `<modelsDir>/.runtime/` (the user's data directory, or the
 * extension's global storage). A checkout's node_modules already has them, so nothing is fetched.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { downloadIdleTimeoutMs, streamDownload } from './fetch-stream';
import { readTar } from './tar';

export interface NpmPin {
  name: string;
  version: string;
  /** Subresource-integrity string as in package-lock.json (`sha512-<base64>`). */
  integrity: string;
}

/** Must equal package-lock.json's entry (test/packaging/onnxruntime-download.test.ts checks it). */
export const ONNXRUNTIME_NODE: NpmPin = {
  name: 'onnxruntime-node',
  version: '1.21.0',
  integrity: 'sha512-NeaCX6WW2L8cRCSqy3bInlo5ojjQqu2fD3D+9W5qb5irwxhEyWKXeH2vZ8W9r6VxaMPUan+4/7NDwZMtouZxEw==',
};

/** The packaged onnxruntime-node's dist/binding.js loads the binding from this path when set. */
export const ONNXRUNTIME_BINDING_ENV = 'TOLLGATE_ONNXRUNTIME_BINDING';
const BINDING_FILE = 'onnxruntime_binding.node';

/** `$TOLLGATE_NPM_REGISTRY`, else npm's own `npm_config_registry`, else the public registry. */
export function defaultNpmRegistry(env: NodeJS.ProcessEnv = process.env): string {
  return env.TOLLGATE_NPM_REGISTRY?.trim() || env.npm_config_registry?.trim() || 'https://registry.npmjs.org/';
}

/** The registry's tarball URL for a pinned version (`<registry>/<name>/-/<base>-<version>.tgz`). */
export function tarballUrl(registry: string, pin: NpmPin): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  const short = pin.name.split('/').at(-1);
  return new URL(`${pin.name}/-/${short}-${pin.version}.tgz`, base).toString();
}

export function runtimeDirOf(modelsDir: string, pin: NpmPin, platform: string, arch: string): string {
  return join(modelsDir, '.runtime', `${pin.name.replace('/', '+')}-${pin.version}`, `${platform}-${arch}`);
}

/** The binding inside the installed onnxruntime-node (a checkout), or undefined when the .vsix left it out. */
export function installedBinding(platform: string = process.platform, arch: string = process.arch): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    const file = join(dirname(dirname(entry)), 'bin', 'napi-v3', platform, arch, BINDING_FILE);
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** The tarball's bytes are not the pinned ones; nothing was unpacked. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `integrity mismatch for ${url}: expected ${expected}, got ${actual}. Nothing was unpacked ` +
        '(corrupted transfer or a tampered registry mirror); check TOLLGATE_NPM_REGISTRY / npm_config_registry and retry.',
    );
  }
}

export function integrityOf(bytes: Uint8Array, algorithm = 'sha512'): string {
  return `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`;
}

export interface RuntimeProgress {
  loaded: number;
  /** Content-Length (0 when the registry sent none). */
  total: number;
}

export interface EnsureRuntimeOptions {
  modelsDir: string;
  registry: string;
  allowDownload: boolean;
  pin?: NpmPin;
  platform?: string;
  arch?: string;
  onProgress?: (p: RuntimeProgress) => void;
  log?: (line: string) => void;
  /** Cancels the download (nothing is unpacked). */
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long. Default `$TOLLGATE_MODEL_DOWNLOAD_IDLE_TIMEOUT` seconds, else 30 s; 0 = never. */
  idleTimeoutMs?: number;
}

/** Which of a tarball's files a platform needs: its bin folder, without the copies never loaded. */
function wanted(path: string, platform: string, arch: string): string | undefined {
  const prefix = `package/bin/napi-v3/${platform}/${arch}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rel = path.slice(prefix.length);
  if (rel.includes('/') || rel.includes('\\') || rel === '' || rel === '..') return undefined;
  // libonnxruntime.so.1 is the SONAME the binding loads; the .so.1.x.y beside it is a copy.
  if (/\.so\.1\.\d+\.\d+$/.test(rel)) return undefined;
  // DirectML.dll serves only the DirectML GPU provider (delay-loaded); Tollgate runs on the CPU.
  if (rel === 'DirectML.dll') return undefined;
  return rel;
}

/**
 * Path of a loadable onnxruntime binding for this platform: the installed one when present, else
 * the cached download, else (allowDownload) fetched, verified and unpacked now.
 */
export async function ensureOnnxRuntime(options: EnsureRuntimeOptions): Promise<{ binding: string; downloaded: boolean }> {
  const pin = options.pin ?? ONNXRUNTIME_NODE;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const dir = runtimeDirOf(options.modelsDir, pin, platform, arch);
  const cached = join(dir, BINDING_FILE);
  if (existsSync(cached)) return { binding: cached, downloaded: false };

  const url = tarballUrl(options.registry, pin);
  if (!options.allowDownload) {
    throw new Error(
      `the transformers.js embedder needs ${pin.name}@${pin.version}'s native library for ${platform}-${arch}, ` +
        `which is not in ${dir} and downloads are off; allow downloads or use the bundled use-lite embedder`,
    );
  }
  options.log?.(`downloading ${pin.name}@${pin.version} (native runtime for ${platform}-${arch}) from ${url}`);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let total = 0;
  await streamDownload(url, {
    label: `${pin.name}@${pin.version}`,
    stallHint: 'Check the network or proxy, or set TOLLGATE_NPM_REGISTRY to a reachable registry; the bundled use-lite embedder needs no download.',
    idleTimeoutMs: options.idleTimeoutMs ?? downloadIdleTimeoutMs(),
    ...(options.signal ? { signal: options.signal } : {}),
    onResponse: (length) => {
      total = length;
    },
    onChunk: (chunk) => {
      chunks.push(chunk);
      loaded += chunk.length;
      options.onProgress?.({ loaded, total });
    },
  });
  const tgz = Buffer.concat(chunks);
  const algorithm = pin.integrity.slice(0, pin.integrity.indexOf('-'));
  if (algorithm !== 'sha512') throw new Error(`unsupported integrity algorithm in the pin for ${pin.name}: ${pin.integrity}`);
  const actual = integrityOf(tgz, algorithm);
  if (actual !== pin.integrity) throw new IntegrityError(url, pin.integrity, actual);

  const files = readTar(gunzipSync(tgz)).flatMap((f) => {
    const rel = wanted(f.path, platform, arch);
    return rel ? [{ rel, data: f.data }] : [];
  });
  if (!files.some((f) => f.rel === BINDING_FILE)) throw new Error(`${pin.name}@${pin.version} has no ${BINDING_FILE} for ${platform}-${arch}`);
  // Unpacked beside the final folder and renamed into place, so a crash never leaves half a runtime.
  const staging = `${dir}.part-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const f of files) {
    await writeFile(join(staging, f.rel), f.data);
    await chmod(join(staging, f.rel), 0o755);
  }
  try {
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(cached)) throw error; // another process finished first otherwise
  }
  return { binding: cached, downloaded: true };
}
