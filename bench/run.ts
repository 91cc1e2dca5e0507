/**
 * `npm run bench`: runs every bench/sections/*.bench.ts (or those named on the command line) and
 * prints markdown tables; also writes them to bench/results/latest.md.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderSection, type BenchSection } from './lib';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(join(here, 'sections'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const out: string[] = [`# Tollgate bench — ${new Date().toISOString()} — node ${process.version}, ${process.platform}/${process.arch}`];
for (const f of files) {
  process.stderr.write(`bench: ${f} …\n`);
  const mod = (await import(pathToFileURL(join(here, 'sections', f)).href)) as { default: () => Promise<BenchSection | BenchSection[]> };
  const sections = [await mod.default()].flat();
  for (const s of sections) {
    const text = renderSection(s);
    console.log(`\n${text}`);
    out.push(text);
  }
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.md'), out.join('\n\n') + '\n');
