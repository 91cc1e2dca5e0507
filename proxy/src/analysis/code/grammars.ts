/**
 * Tree-sitter parsers for the languages read with a wasm grammar (Python, Go, Java). The runtime is
 * initialised once per process: `Parser.init` replaces the wasm module, and a grammar loaded against
 * the module it replaced would stop working, so every language shares this one initialisation.
 */
import type { Parser } from 'web-tree-sitter';
import { resolveGrammarFile, resolveWasmFiles } from './wasm-dir';

let runtime: Promise<typeof import('web-tree-sitter')> | undefined;

/** web-tree-sitter, initialised with the runtime wasm at `runtimeFile` (the first caller's). */
export function treeSitterRuntime(runtimeFile: string): Promise<typeof import('web-tree-sitter')> {
  runtime ??= (async () => {
    // Imported here so bundles that keep web-tree-sitter external only load it when such a file is analysed.
    const mod = await import('web-tree-sitter');
    await mod.Parser.init({ locateFile: () => runtimeFile });
    return mod;
  })();
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

export type GrammarLanguage = 'go' | 'java';

const parsers = new Map<string, Promise<Parser>>();

/** One parser per language and wasm directory (loading a grammar costs more than parsing a file). */
export function grammarParser(language: GrammarLanguage, wasmDir?: string): Promise<Parser> {
  const cacheKey = `${language}\0${wasmDir ?? ''}`;
  const known = parsers.get(cacheKey);
  if (known) return known;
  const p = (async () => {
    const files = resolveWasmFiles(wasmDir);
    const grammar = resolveGrammarFile(language, wasmDir);
    if (!files || !grammar) throw new Error(`tree-sitter wasm files for ${language} not found (set analysis wasmDir)`);
    const { Language, Parser } = await treeSitterRuntime(files.runtime);
    const parser = new Parser();
    parser.setLanguage(await Language.load(grammar));
    return parser;
  })();
  parsers.set(cacheKey, p);
  p.catch(() => parsers.delete(cacheKey));
  return p;
}
