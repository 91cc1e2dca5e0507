#!/usr/bin/env node
/**
 * `npm run package -- --target <t> [--out-dir <dir>]`: one platform-specific .vsix per VS Code
 * target, all built on this machine.
 *
 *   <t> = linux-x64 | linux-arm64 | darwin-x64 | darwin-arm64 | win32-x64 | all   (default: this machine's)
 *
 * The JavaScript is bundled (scripts/build.mjs --production); what the proxy loads from
 * node_modules at run time (scripts/runtime-packages.mjs) is staged under dist/node_modules/ with
 * only the target's native binaries. Every native part is N-API or a loadable SQLite extension, so
 * nothing depends on the Node ABI that built it. A platform's own binaries come from:
 *   - @photostructure/sqlite: prebuilds/<platform>-<arch>/ inside its npm tarball (all platforms);
 *   - onnxruntime-node: none in the .vsix; its JavaScript loads bin/napi-v3/<platform>/<arch>/ from
 *     the same npm tarball, downloaded on first use of the transformers.js embedder (see
 *     proxy/src/embedding/models/onnxruntime.ts);
 *   - sqlite-vec: the optional package sqlite-vec-<os>-<arch>, taken from node_modules when it is
 *     this machine's, else fetched once with `npm pack` into .cache/npm-packs/.
 * Never loaded, so never shipped: sharp/libvips (transformers.js imports sharp for images only; a
 * stub that throws stands in), onnxruntime-web (browser runtime), node-addon-api (C++ headers),
 * sources and docs.
 *
 * Prints each .vsix's size and file count. Flags: --no-build (use dist/ as is), --out <file> (one
 * target, written to that path).
 */
import { RUNTIME_PACKAGES } from './runtime-packages.mjs';
import { packInto } from './lib/npm-pack.mjs';
import { spawnSync } from 'node:child_process';
import { buildSync as esbuildSync } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const t0 = Date.now();
const step = (m) => console.log(`[package +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

/** VS Code target → Node platform/arch and the sqlite-vec package name part. */
export const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', vec: 'linux-x64' },
  'linux-arm64': { platform: 'linux', arch: 'arm64', vec: 'linux-arm64' },
  'darwin-x64': { platform: 'darwin', arch: 'x64', vec: 'darwin-x64' },
  'darwin-arm64': { platform: 'darwin', arch: 'arm64', vec: 'darwin-arm64' },
  'win32-x64': { platform: 'win32', arch: 'x64', vec: 'windows-x64' },
};

/** Packages in the runtime closure that are never loaded (see the header). */
const NEVER_LOADED = new Set(['onnxruntime-web', 'node-addon-api', 'sharp', 'global-agent', 'tar']);
const NEVER_LOADED_SCOPES = ['@img/'];
/** Build-tool files by name (see keepFile). */
const DEV_FILE = /^((grunt|gulp|jake)file\.[cm]?js|bower\.json|component\.json)$/i;

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r;
}

function hostTarget() {
  const t = `${process.platform}-${process.arch}`;
  return TARGETS[t] ? t : undefined;
}

function packageDir(name, from) {
  // Walk up node_modules folders like Node's resolver (package.json may not be exported).
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The runtime packages and their dependencies (installed optional ones for this host are skipped: each target adds its own). */
function runtimeClosure() {
  const seen = new Map(); // relative dir -> { name, dir }
  const queue = RUNTIME_PACKAGES.map((name) => ({ name, from: root }));
  while (queue.length) {
    const { name, from } = queue.shift();
    if (NEVER_LOADED.has(name) || NEVER_LOADED_SCOPES.some((s) => name.startsWith(s)) || name.startsWith('sqlite-vec-')) continue;
    const dir = packageDir(name, from);
    if (!dir) continue;
    const key = relative(root, dir);
    if (seen.has(key)) continue;
    seen.set(key, { name, dir });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push({ name: dep, from: dir });
  }
  return [...seen.entries()];
}

/** Unpacked npm package for another platform, cached under .cache/npm-packs/<name>-<version>/package. */
function fetchedPackage(name, version) {
  const local = packageDir(name, root);
  if (local && JSON.parse(readFileSync(join(local, 'package.json'), 'utf8')).version === version) return local;
  const cache = join(root, '.cache/npm-packs');
  const dest = join(cache, `${name.replace('/', '+')}-${version}`);
  if (existsSync(join(dest, 'package/package.json'))) return join(dest, 'package');
  step(`npm pack ${name}@${version}`);
  return packInto(name, version, dest);
}

/** Per package: which of its files a target ships (paths relative to the package folder). */
function keepFile(name, rel, t) {
  const parts = rel.split(sep);
  const base = parts.at(-1);
  if (/^(LICEN[CS]E|NOTICE|ThirdPartyNotices)/i.test(base)) return true;
  if (/\.(map|ts|mts|cts|md|markdown|gyp|gypi|cc|cpp|c|h|hpp|tsbuildinfo)$/i.test(base)) return false;
  // Repository and build-tool files some tarballs carry (CI configs, .nvmrc, .npmignore, .gitkeep,
  // Grunt/Gulp files, bower/component manifests): never loaded at run time.
  if (parts.some((p) => p.startsWith('.')) || DEV_FILE.test(base)) return false;
  if (parts.some((p) => ['test', 'tests', '__tests__', 'example', 'examples', 'docs', 'benchmark', '.github', 'node_modules'].includes(p))) return false;
  if (name === '@photostructure/sqlite') {
    if (parts[0] === 'src' || rel === 'binding.gyp') return false;
    if (parts[0] === 'prebuilds') return parts[1] === `${t.platform}-${t.arch}` && !rel.includes('.musl.');
  }
  if (name === 'onnxruntime-node') {
    if (parts[0] === 'script') return false;
    // No native binaries (10 MB compressed per platform): only the optional transformers.js
    // embedder loads them, and it fetches them on first use from the npm registry, integrity-checked
    // (proxy/src/embedding/models/onnxruntime.ts); patchOnnxruntimeBinding points the loader there.
    if (parts[0] === 'bin') return false;
  }
  if (name === '@huggingface/transformers') {
    // The proxy imports dist/transformers.node.mjs (ESM); the CommonJS build, sources, types, browser bundles and ONNX-web wasm never load.
    return parts.length === 1 || (parts[0] === 'dist' && parts[1] === 'transformers.node.mjs');
  }
  if (name === 'onnxruntime-common' && parts[0] === 'lib') return false;
  if (name === 'web-tree-sitter' && /\.wasm$/.test(rel) && existsSync(join(root, 'dist/wasm', parts.at(-1)))) return false; // dist/wasm has it
  return true;
}

function copyPackage(name, from, to, t) {
  let files = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      const rel = relative(from, abs);
      if (e.isDirectory()) {
        if (e.name === 'node_modules') continue;
        walk(abs);
      } else if (keepFile(name, rel, t)) {
        mkdirSync(dirname(join(to, rel)), { recursive: true });
        cpSync(abs, join(to, rel), { dereference: true });
        files++;
      }
    }
  };
  walk(from);
  return files;
}

/**
 * onnxruntime-node's dist/binding.js requires `../bin/napi-v3/<platform>/<arch>/onnxruntime_binding.node`,
 * which the .vsix leaves out: load it from $TOLLGATE_ONNXRUNTIME_BINDING (set by the proxy to the
 * verified download) when set. Fails the build if the package's loader line ever changes.
 */
function patchOnnxruntimeBinding(nm) {
  const file = join(nm, 'onnxruntime-node/dist/binding.js');
  const src = readFileSync(file, 'utf8');
  const line = 'require(`../bin/napi-v3/${process.platform}/${process.arch}/onnxruntime_binding.node`)';
  if (!src.includes(line)) throw new Error(`package: ${file} no longer loads its binding with ${line}; update patchOnnxruntimeBinding`);
  writeFileSync(file, src.replace(line, `require(process.env.TOLLGATE_ONNXRUNTIME_BINDING || \`../bin/napi-v3/\${process.platform}/\${process.arch}/onnxruntime_binding.node\`)`));
}

/** transformers.js imports sharp at load time for its image pipelines, which Tollgate never uses. */
function writeSharpStub(nm) {
  const dir = join(nm, 'sharp');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sharp', version: '0.0.0-tollgate-stub', main: 'index.js', type: 'commonjs' }, null, 2) + '\n');
  writeFileSync(
    join(dir, 'index.js'),
    "'use strict';\n// Tollgate ships no image processing: transformers.js imports sharp only for image pipelines.\nmodule.exports = function sharp() {\n  throw new Error('image processing is not included in Tollgate');\n};\n",
  );
}

/**
 * One copy of the modules both bundles load (runtime-packages.mjs SHARED_MODULES): the TypeScript
 * compiler (the analysis engine only parses, so no lib .d.ts files) minified, and the two
 * tokenizer rank tables, served to ESM and CommonJS callers from the same CommonJS file.
 */
function writeSharedModules(nm) {
  const ts = packageDir('typescript', root);
  const tsPkg = JSON.parse(readFileSync(join(ts, 'package.json'), 'utf8'));
  mkdirSync(join(nm, 'typescript'), { recursive: true });
  writeFileSync(join(nm, 'typescript/package.json'), JSON.stringify({ name: 'typescript', version: tsPkg.version, license: tsPkg.license, main: 'typescript.js' }, null, 2) + '\n');
  esbuildSync({ entryPoints: [join(ts, 'lib/typescript.js')], outfile: join(nm, 'typescript/typescript.js'), bundle: false, format: 'cjs', platform: 'node', target: 'node20', minify: true, logLevel: 'warning', legalComments: 'none' });
  for (const f of ['LICENSE.txt', 'ThirdPartyNoticeText.txt']) if (existsSync(join(ts, f))) cpSync(join(ts, f), join(nm, 'typescript', f));
  const tk = packageDir('js-tiktoken', root);
  const tkPkg = JSON.parse(readFileSync(join(tk, 'package.json'), 'utf8'));
  const ranks = ['cl100k_base', 'o200k_base'];
  mkdirSync(join(nm, 'js-tiktoken/ranks'), { recursive: true });
  for (const r of ranks) cpSync(join(tk, `dist/ranks/${r}.cjs`), join(nm, `js-tiktoken/ranks/${r}.cjs`));
  const exports = Object.fromEntries(ranks.map((r) => [`./ranks/${r}`, `./ranks/${r}.cjs`]));
  writeFileSync(join(nm, 'js-tiktoken/package.json'), JSON.stringify({ name: 'js-tiktoken', version: tkPkg.version, license: tkPkg.license, exports }, null, 2) + '\n');
  if (existsSync(join(tk, 'LICENSE'))) cpSync(join(tk, 'LICENSE'), join(nm, 'js-tiktoken/LICENSE'));
}

/**
 * onnxruntime-common ships 21 small modules twice (CommonJS for onnxruntime-node, ESM for
 * transformers.js); one bundle per format keeps the .vsix under vsce's 100-JavaScript-file advice.
 */
function bundleOnnxruntimeCommon(dir) {
  if (!existsSync(dir)) return;
  for (const [format, sub] of [['cjs', 'dist/cjs'], ['esm', 'dist/esm']]) {
    const entry = join(dir, sub, 'index.js');
    const out = join(dir, `${sub}.bundle.js`);
    esbuildSync({ entryPoints: [entry], outfile: out, bundle: true, format, platform: 'node', target: 'node20', minify: true, logLevel: 'warning', legalComments: 'none' });
    rmSync(join(dir, sub), { recursive: true, force: true });
    mkdirSync(join(dir, sub), { recursive: true });
    cpSync(out, join(dir, sub, 'index.js'));
    rmSync(out);
  }
  if (existsSync(join(dir, 'dist/esm'))) writeFileSync(join(dir, 'dist/esm/package.json'), '{ "type": "module" }\n');
  if (existsSync(join(dir, 'dist/cjs'))) writeFileSync(join(dir, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
}

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  return n;
}

/** The manifest vsce sees: the extension fields, no install-time fields (the JavaScript is bundled). */
function stagedManifest(pkg) {
  const staged = { ...pkg };
  for (const k of ['scripts', 'devDependencies', 'dependencies', 'bin', 'allowScripts', 'files', 'private', 'overrides', 'optionalDependencies']) delete staged[k];
  return staged;
}

function packageTarget(target, outDir, pkg, closure) {
  const t = TARGETS[target];
  const stage = join(root, '.cache/vsix', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  writeFileSync(join(stage, 'package.json'), JSON.stringify(stagedManifest(pkg), null, 2) + '\n');
  writeFileSync(join(stage, '.vscodeignore'), readFileSync(join(root, '.vscodeignore')));
  cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.startsWith(join(root, 'dist/node_modules')) && !src.endsWith('runtime.json') });
  cpSync(join(root, 'extension/media'), join(stage, 'extension/media'), { recursive: true });
  writeFileSync(join(stage, 'README.md'), readFileSync(join(root, 'extension/README.md')));
  for (const f of ['LICENSE', 'CHANGELOG.md']) if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));

  const nm = join(stage, 'dist/node_modules');
  for (const [rel, { name, dir }] of closure) copyPackage(name, dir, join(stage, 'dist', rel), t);
  const vecVersion = JSON.parse(readFileSync(join(packageDir('sqlite-vec', root), 'package.json'), 'utf8')).version;
  const vecName = `sqlite-vec-${t.vec}`;
  copyPackage(vecName, fetchedPackage(vecName, vecVersion), join(nm, vecName), t);
  writeSharpStub(nm);
  patchOnnxruntimeBinding(nm);
  writeSharedModules(nm);
  bundleOnnxruntimeCommon(join(nm, 'onnxruntime-common'));

  const out = join(outDir, `${pkg.name}-${pkg.version}-${target}.vsix`);
  step(`vsce package --target ${target}`);
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--target', target, '--out', out, ...(existsSync(join(root, 'LICENSE')) ? [] : ['--skip-license'])],
    { cwd: stage, encoding: 'utf8' },
  );
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.status !== 0) throw new Error(`vsce failed for ${target}`);
  const warnings = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /WARNING/i.test(l));
  if (warnings.length) throw new Error(`vsce warned for ${target}:\n${warnings.join('\n')}`);
  const mb = statSync(out).size / 1024 / 1024;
  const files = countFiles(stage);
  console.log(`${relative(process.cwd(), out) || out}: ${mb.toFixed(1)} MB, ${files} files staged`);
  return { target, file: out, bytes: statSync(out).size };
}

// ---- main ----
const requested = flag('--target') ?? hostTarget();
if (!requested || (requested !== 'all' && !TARGETS[requested])) {
  console.error(`package: --target must be one of ${Object.keys(TARGETS).join(', ')} or all`);
  process.exit(2);
}
const targets = requested === 'all' ? Object.keys(TARGETS) : [requested];
const outDir = resolve(flag('--out-dir') ?? (flag('--out') ? join(root, '.cache/vsix-out') : root));
mkdirSync(outDir, { recursive: true });

if (!args.includes('--no-build')) {
  step('build --production');
  run(process.execPath, [join(root, 'scripts/build.mjs'), '--production']);
}
for (const f of ['dist/extension/extension.cjs', 'dist/extension/deferred.cjs', 'dist/proxy/cli.js', 'dist/webview/main.js']) {
  if (!existsSync(join(root, f))) {
    console.error(`package: ${f} is missing; the build did not produce it`);
    process.exit(1);
  }
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const closure = runtimeClosure();
step(`${closure.length} runtime packages: ${closure.map(([, p]) => p.name).join(', ')}`);
const results = targets.map((t) => packageTarget(t, outDir, pkg, closure));
// --out <file>: one target written to exactly that path (the e2e tests use it).
const outFile = flag('--out');
if (outFile && results.length === 1) {
  cpSync(results[0].file, resolve(outFile));
  rmSync(results[0].file);
  results[0].file = resolve(outFile);
}
for (const r of results) console.log(`${r.target}\t${(r.bytes / 1024 / 1024).toFixed(1)} MB\t${relative(process.cwd(), r.file) || r.file}`);
