/**
 * A project file the analysis consults beside the source (package.json, lock files, pyproject.toml),
 * read through a cache kept until the file's mtime changes: the editor re-analyses on every edit.
 */
import { readFileSync, statSync } from 'node:fs';

const cache = new Map<string, { mtimeMs: number; text: string | undefined }>();

/** The file's text; undefined when absent, unreadable or over 4 MB. */
export function readText(path: string): string | undefined {
  let mtimeMs: number;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > 4_000_000) return undefined;
    mtimeMs = st.mtimeMs;
  } catch {
    cache.delete(path);
    return undefined;
  }
  const known = cache.get(path);
  if (known && known.mtimeMs === mtimeMs) return known.text;
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = undefined;
  }
  cache.set(path, { mtimeMs, text });
  return text;
}
