#!/usr/bin/env node
/**
 * esbuild bundles: the proxy CLI (ESM, Node), its embedding worker, the VS Code extension (CJS)
 * and the dashboard webview (browser). Native and heavy runtime packages stay external and are
 * loaded from node_modules at run time (the .vsix ships them for its platform).
 */
import { build, context } from 'esbuild';
import { RUNTIME_PACKAGES, SHARED_MODULES } from './runtime-packages.mjs';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const prod = process.argv.includes('--production');

/** Loaded from node_modules at run time (see runtime-packages.mjs); TensorFlow.js comes with @energetic-ai. */
const nodeExternals = [...RUNTIME_PACKAGES, '@tensorflow/*', ...SHARED_MODULES];

// ESM bundles that include CommonJS dependencies need `require`, `__filename` and `__dirname`.
const esmBanner = [
  "import { createRequire as __tgCreateRequire } from 'node:module';",
  "import { fileURLToPath as __tgFileURLToPath } from 'node:url';",
  "import { dirname as __tgDirname } from 'node:path';",
  'const require = __tgCreateRequire(import.meta.url);',
  'const __filename = __tgFileURLToPath(import.meta.url);',
  'const __dirname = __tgDirname(__filename);',
].join('\n');

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * The build's identity: a hash of what the proxy bundle is built from (its sources, the contract,
 * the dependency lock). Every build says 0.1.0 until a release bumps it; this tells a dev build
 * left running from a released one, with or without git. The same value goes into the extension,
 * which compares it with the /healthz `build` of a proxy it finds on the port.
 */
function buildId() {
  const hash = createHash('sha256');
  const walk = (rel) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) walk(`${rel}/${name}`);
      return;
    }
    hash.update(`${rel}\0`).update(readFileSync(abs)).update('\0');
  };
  for (const rel of ['proxy/src', 'contract', 'package.json', 'package-lock.json']) walk(rel);
  return hash.digest('hex').slice(0, 12);
}

const common = {
  bundle: true,
  sourcemap: true,
  minify: prod,
  logLevel: 'warning',
  legalComments: 'none',
  define: { __TOLLGATE_VERSION__: JSON.stringify(version), __TOLLGATE_BUILD__: JSON.stringify(buildId()) },
};

/**
 * CommonJS externals the proxy loads only for some commands (the TypeScript compiler for the
 * analysis engine, the tokenizer rank tables): an ESM bundle hoists every external `import` to its
 * top, which would load them at each `tollgate start`. Served through a require() wrapper instead,
 * they load when the bundle first initialises the module that imports them.
 */
const lazyExternals = {
  name: 'lazy-externals',
  setup(b) {
    const lazy = (a) => (a.namespace === 'lazy-external' ? { path: a.path, external: true } : { path: a.path, namespace: 'lazy-external' });
    b.onResolve({ filter: /^(typescript|js-tiktoken\/ranks\/.*)$/ }, lazy);
    b.onLoad({ filter: /.*/, namespace: 'lazy-external' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(a.path)});` }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    // One file per entry, no code splitting: a split build makes a chunk for each set of entries
    // and dynamic imports sharing a module, so the file count grew with every shared module (and
    // the .vsix neared vsce's 100-JavaScript-file warning). Dynamic imports stay lazy in one
    // bundle: the modules only they reach are initialised on first import (with the externals
    // above). Workers are entries of their own, found beside cli.js by name.
    entryPoints: {
      cli: 'proxy/src/cli/main.ts',
      'embedding-worker': 'proxy/src/embedding/worker.ts',
      'token-worker': 'proxy/src/workers/tokenCountWorker.ts',
      'checkpoint-worker': 'proxy/src/db/checkpointWorker.ts',
      'ledger-read-worker': 'proxy/src/ledger/readWorker.ts',
    },
    outdir: 'dist/proxy',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: nodeExternals,
    plugins: [lazyExternals],
    banner: { js: esmBanner },
  },
  {
    // Two separate bundles (no splitting in CJS): deferred.cjs is what the extension loads on first
    // use — the analysis engine, policy exporter and dashboard host.
    entryPoints: { extension: 'extension/src/extension.ts', deferred: 'extension/src/deferred/index.ts' },
    outdir: 'dist/extension',
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', ...nodeExternals],
  },
  {
    entryPoints: { main: 'webview/src/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css', '.ttf': 'file', '.woff2': 'file' },
  },
];

const proxyDir = join(root, 'dist/proxy');
// Files an earlier build wrote that this one does not would ship in the .vsix. They go after the
// build, not before: a proxy started from dist/ meanwhile (a test, a development host; packaging
// rebuilds with --production) found its CLI missing, or ran it as CommonJS before package.json was back.
if (watch) rmSync(proxyDir, { recursive: true, force: true });
mkdirSync(proxyDir, { recursive: true });
// The bundled proxy is ESM regardless of how dist/ is consumed.
writeFileSync(join(proxyDir, 'package.json'), '{ "type": "module" }\n');
const written = new Set([join(proxyDir, 'package.json')]);
for (const t of targets) {
  if (!Object.values(t.entryPoints).every((e) => existsSync(join(root, e)))) continue; // not written yet
  const opts = { ...common, ...t, absWorkingDir: root };
  if (watch) await (await context(opts)).watch();
  else {
    // Each file replaced whole (written beside, then renamed over): a proxy started while this runs
    // never reads half a bundle. The CLI entry gets its shebang here (npm's bin); a banner would go into the workers too.
    for (const f of (await build({ ...opts, write: false })).outputFiles) {
      const shebang = f.path === join(proxyDir, 'cli.js') ? '#!/usr/bin/env node\n' : '';
      const tmp = `${f.path}.${process.pid}.tmp`;
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(tmp, shebang ? Buffer.concat([Buffer.from(shebang), f.contents]) : f.contents);
      if (shebang) chmodSync(tmp, 0o755);
      renameSync(tmp, f.path);
      written.add(f.path);
    }
  }
}
if (!watch) {
  const sweep = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        sweep(abs);
        if (readdirSync(abs).length === 0) rmSync(abs, { recursive: true });
      } else if (!written.has(abs) && !abs.endsWith('.tmp')) rmSync(abs, { force: true }); // .tmp: a build running beside this one
    }
  };
  sweep(proxyDir);
}

// Static assets the bundles load at run time.
const assets = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/wasm/tree-sitter.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/wasm/tree-sitter-python.wasm'],
  ['node_modules/tree-sitter-go/tree-sitter-go.wasm', 'dist/wasm/tree-sitter-go.wasm'],
  ['node_modules/tree-sitter-java/tree-sitter-java.wasm', 'dist/wasm/tree-sitter-java.wasm'],
];
for (const [from, to] of assets) {
  if (!existsSync(join(root, from))) continue;
  mkdirSync(dirname(join(root, to)), { recursive: true });
  cpSync(join(root, from), join(root, to));
}
// The policy JSON Schema for editors (the extension's yamlValidation), generated from the zod schema.
if (!watch && existsSync(join(root, 'extension/scripts/gen-policy-schema.mjs'))) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'extension/scripts/gen-policy-schema.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// Watch mode lets esbuild write: the CLI entry gets its shebang and stays executable.
const cli = join(proxyDir, 'cli.js');
if (watch && existsSync(cli)) {
  const text = readFileSync(cli, 'utf8');
  if (!text.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${text}`);
  chmodSync(cli, 0o755);
}
if (!watch) console.log('built dist/');
