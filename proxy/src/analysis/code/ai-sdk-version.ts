/**
 * The major version of the AI SDK (`ai` package) a source file's project uses: AI SDK 4 reads the
 * output limit from `maxTokens`, 5 and later only from `maxOutputTokens` — the other spelling is
 * silently ignored, so which one counts depends on the project, not the file.
 *
 * The installed copy (node_modules/ai/package.json) is what runs; without one, the range the
 * nearest package.json declaring `ai` asks for. Looked up from the file's directory upwards.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface Cached {
  mtimeMs: number;
  value: number | undefined;
}

const cache = new Map<string, Cached>();

/** A JSON object file's content; undefined when unreadable or not an object. */
function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `read` of the file at `path`, cached until the file's mtime changes (the editor re-analyses on
 * every edit); null when there is no such file.
 */
function memo(path: string, read: (json: Record<string, unknown> | undefined) => number | undefined): number | undefined | null {
  let mtimeMs: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return null;
    mtimeMs = st.mtimeMs;
  } catch {
    cache.delete(path);
    return null;
  }
  const known = cache.get(path);
  if (known && known.mtimeMs === mtimeMs) return known.value;
  const value = read(readJson(path));
  cache.set(path, { mtimeMs, value });
  return value;
}

/** The major version a semver range or version allows at least: `^4.3.16` → 4, `~5.0.0` → 5, `>=5` → 5; undefined for `latest`, `*`, URLs. */
export function majorOfRange(range: string): number | undefined {
  const m = /^\s*(?:npm:ai@)?(?:[\^~=v]|>=?)?\s*(\d+)(?:\.|\s|$|x)/.exec(range);
  return m ? Number(m[1]) : undefined;
}

function declaredRange(json: Record<string, unknown> | undefined): string | undefined {
  if (!json) return undefined;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const deps = json[field];
    if (deps && typeof deps === 'object') {
      const v = (deps as Record<string, unknown>).ai;
      if (typeof v === 'string') return v;
    }
  }
  return undefined;
}

/** The AI SDK major version for a file at `filePath` (relative paths are taken from the working directory); undefined when not known. */
export function aiSdkMajor(filePath: string): number | undefined {
  let dir = dirname(resolve(filePath));
  for (let depth = 0; depth < 40; depth++) {
    const installed = memo(join(dir, 'node_modules', 'ai', 'package.json'), (j) => (typeof j?.version === 'string' ? majorOfRange(j.version) : undefined));
    if (typeof installed === 'number') return installed;
    const declared = memo(join(dir, 'package.json'), (j) => {
      const range = declaredRange(j);
      return range === undefined ? undefined : (majorOfRange(range) ?? -1);
    });
    // A package.json that declares `ai` with a range we cannot read (`latest`): not known.
    if (declared === -1) return undefined;
    if (typeof declared === 'number') return declared;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
