/**
 * Where tree-sitter's wasm files are (the runtime and Python's grammar; Go's and Java's below): settings.wasmDir, else `dist/wasm` next to the bundle (the
 * build copies them there), else the npm packages in node_modules.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WasmFiles {
  runtime: string;
  python: string;
}

function moduleFile(): string | undefined {
  // The CJS extension bundle has __filename; ESM sources and the ESM CLI bundle have import.meta.url.
  if (typeof __filename === 'string' && __filename.length > 0) return __filename;
  try {
    return fileURLToPath(import.meta.url);
  } catch {
    return undefined;
  }
}

function fromNodeModules(): WasmFiles | undefined {
  const here = moduleFile();
  const bases = [here, join(process.cwd(), 'package.json')].filter((b): b is string => !!b);
  for (const base of bases) {
    try {
      const req = createRequire(base);
      return {
        runtime: req.resolve('web-tree-sitter/tree-sitter.wasm'),
        python: join(dirname(req.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
      };
    } catch {
      // try the next base
    }
  }
  return undefined;
}

export function resolveWasmFiles(wasmDir?: string): WasmFiles | undefined {
  const dirs: string[] = [];
  if (wasmDir) dirs.push(wasmDir);
  const here = moduleFile();
  if (here) dirs.push(join(dirname(here), '..', 'wasm'), join(dirname(here), 'wasm'));
  for (const d of dirs) {
    const files = { runtime: join(d, 'tree-sitter.wasm'), python: join(d, 'tree-sitter-python.wasm') };
    if (existsSync(files.runtime) && existsSync(files.python)) return files;
  }
  const nm = fromNodeModules();
  return nm && existsSync(nm.runtime) && existsSync(nm.python) ? nm : undefined;
}

/**
 * A grammar besides Python's (`tree-sitter-go.wasm`, `tree-sitter-java.wasm`): in settings.wasmDir or
 * `dist/wasm` next to the bundle, else in its npm package.
 */
export function resolveGrammarFile(language: 'go' | 'java', wasmDir?: string): string | undefined {
  const file = `tree-sitter-${language}.wasm`;
  const dirs: string[] = [];
  if (wasmDir) dirs.push(wasmDir);
  const here = moduleFile();
  if (here) dirs.push(join(dirname(here), '..', 'wasm'), join(dirname(here), 'wasm'));
  for (const d of dirs) if (existsSync(join(d, file))) return join(d, file);
  const bases = [here, join(process.cwd(), 'package.json')].filter((b): b is string => !!b);
  for (const base of bases) {
    try {
      const path = join(dirname(createRequire(base).resolve(`tree-sitter-${language}/package.json`)), file);
      if (existsSync(path)) return path;
    } catch {
      // try the next base
    }
  }
  return undefined;
}
