/**
 * The extension modules the typing tests drive, with the types and defaults they share. Import it
 * dynamically, after the test file's `vi.mock('vscode')` (a static import would load the real
 * modules before the stand-in `vscode` exists); `import type` from it is fine anywhere.
 */
import { join } from 'node:path';
import { DocumentAnalyses } from '../../../extension/src/analysis/documentAnalyses';

export { DocumentAnalyses, documentSelector } from '../../../extension/src/analysis/documentAnalyses';
export { CostDiagnostics } from '../../../extension/src/diagnostics/costDiagnostics';
export { CostLensProvider } from '../../../extension/src/lens/costLensProvider';
export { analyzeFile } from '../../../proxy/src/analysis/index';

export type Analyzer = ConstructorParameters<typeof DocumentAnalyses>[0] extends () => Promise<infer A> ? A : never;
export type Log = ConstructorParameters<typeof DocumentAnalyses>[2];
export type Lens = { command?: { title: string } };

/** The built tree-sitter grammars (`npm run build` writes them). */
export const WASM_DIR = join(__dirname, '../../..', 'dist', 'wasm');

/** DocumentAnalyses over `analyzer`, logging to `info` (nowhere by default). */
export function analysesOf(analyzer: Analyzer, info: (m: string) => void = () => {}): DocumentAnalyses {
  return new DocumentAnalyses(async () => analyzer, WASM_DIR, { info, warn() {} } as unknown as Log);
}
