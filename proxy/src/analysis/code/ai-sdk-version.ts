/**
 * The major version of the AI SDK (`ai` package) a source file's project uses: AI SDK 4 reads the
 * output limit from `maxTokens`, 5 and later only from `maxOutputTokens` — the other spelling is
 * silently ignored, so which one counts depends on the project, not the file.
 *
 * The installed copy (node_modules/ai/package.json) is what runs; without one, the range the
 * nearest package.json declaring `ai` asks for. Looked up from the file's directory upwards.
 */
import { dirname, join, resolve } from 'node:path';
import { readText } from './project-file';

/** A JSON object file's content; undefined when absent, unreadable or not an object. */
function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readText(path) ?? '');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
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
    const version = readJson(join(dir, 'node_modules', 'ai', 'package.json'))?.version;
    const installed = typeof version === 'string' ? majorOfRange(version) : undefined;
    if (installed !== undefined) return installed;
    const range = declaredRange(readJson(join(dir, 'package.json')));
    // A package.json that declares `ai` with a range we cannot read (`latest`): not known.
    if (range !== undefined) return majorOfRange(range);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
