#!/usr/bin/env node
/**
 * `npm run package`: builds, then produces a platform-specific .vsix with @vscode/vsce.
 *
 * The .vsix holds the extension bundle, the proxy bundle and the webview, plus the proxy's runtime
 * packages (native modules built for this platform and the Node that ran `npm install`, the
 * embedding models) — nothing else from node_modules. They are staged into `.cache/vsix/`, with
 * the runtime packages under `dist/node_modules/` (Node finds them from dist/proxy/cli.js by its
 * normal lookup), and `.vscodeignore` prunes sources, docs and other platforms' binaries.
 *
 * Flags: --no-build (use dist/ as is), --out <file>.
 */
import { RUNTIME_PACKAGES } from './runtime-packages.mjs';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const t0 = Date.now();
const step = (m) => console.log(`[package +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

/** The packages the proxy loads from node_modules at run time (shared with scripts/build.mjs). */
const RUNTIME_ROOTS = RUNTIME_PACKAGES;

/** vsce target for this machine (https://code.visualstudio.com/api/working-with-extensions/publishing-extension#platformspecific-extensions). */
function vsceTarget() {
  const arch = { x64: 'x64', arm64: 'arm64', arm: 'armhf' }[process.arch];
  if (!arch) throw new Error(`no VS Code target for arch ${process.arch}`);
  if (process.platform === 'win32') return `win32-${arch}`;
  if (process.platform === 'darwin') return `darwin-${arch}`;
  if (process.platform === 'linux') {
    const musl = !process.report?.getReport?.()?.header?.glibcVersionRuntime;
    return `${musl ? 'alpine' : 'linux'}-${arch}`;
  }
  throw new Error(`no VS Code target for platform ${process.platform}`);
}

/**
 * Directories of the runtime packages and everything they depend on (dependencies and installed
 * optionalDependencies, resolved the way Node does from each package's own folder).
 */
function runtimeClosure() {
  const seen = new Map(); // name -> absolute dir
  const queue = RUNTIME_ROOTS.map((name) => ({ name, from: root }));
  while (queue.length) {
    const { name, from } = queue.shift();
    const dir = packageDir(name, from);
    if (!dir) continue; // an optional dependency for another platform
    const key = relative(root, dir);
    if (seen.has(key)) continue;
    seen.set(key, dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push({ name: dep, from: dir });
  }
  return [...seen.entries()];
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

/** Native binaries of other platforms inside packages that ship all of them. */
function otherPlatformBinaries(dir) {
  const out = [];
  const ort = join(dir, 'bin');
  if (existsSync(ort) && dir.endsWith('onnxruntime-node')) {
    for (const napi of readdirSync(ort)) {
      for (const platform of readdirSync(join(ort, napi))) {
        if (platform !== process.platform) out.push(join(ort, napi, platform));
        else for (const arch of readdirSync(join(ort, napi, platform))) if (arch !== process.arch) out.push(join(ort, napi, platform, arch));
      }
    }
  }
  return out;
}

// 1. Build, schema, runtime facts.
if (!args.includes('--no-build')) {
  step('build');
  run(process.execPath, [join(root, 'scripts/build.mjs')]);
}
writeFileSync(
  join(root, 'dist/runtime.json'),
  JSON.stringify({ node: process.version, abi: process.versions.modules, platform: process.platform, arch: process.arch }, null, 2) + '\n',
);
for (const f of ['dist/extension/extension.cjs', 'dist/extension/deferred.cjs', 'dist/proxy/cli.js']) {
  if (!existsSync(join(root, f))) {
    console.error(`package: ${f} is missing; the build did not produce it`);
    process.exit(1);
  }
}

// 2. Stage.
const stage = join(root, '.cache/vsix');
step(`stage ${relative(root, stage)}`);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const target = vsceTarget();
const staged = { ...pkg };
// Bundled code needs no install: vsce must not run npm, and the dependency lists only confuse it.
for (const k of ['scripts', 'devDependencies', 'dependencies', 'bin', 'allowScripts']) delete staged[k];
staged.repository ??= { type: 'git', url: 'https://github.com/tollgate-dev/tollgate' };
writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
cpSync(join(root, '.vscodeignore'), join(stage, '.vscodeignore'));
cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.includes(`${join(root, 'dist/node_modules')}`) });
cpSync(join(root, 'extension/media'), join(stage, 'extension/media'), { recursive: true });
const readmeSrc = existsSync(join(root, 'docs/extension.md')) ? join(root, 'docs/extension.md') : join(root, 'README.md');
// Images in the README are repository-relative; the Marketplace page cannot show them offline.
const readme = existsSync(readmeSrc) ? readFileSync(readmeSrc, 'utf8').replace(/!\[[^\]]*\]\([^)]*\)\n?/g, '') : `# ${pkg.displayName}\n\n${pkg.description}\n`;
writeFileSync(join(stage, 'README.md'), readme);
const hasLicense = existsSync(join(root, 'LICENSE'));
if (hasLicense) cpSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));

let copied = 0;
for (const [rel, dir] of runtimeClosure()) {
  const dest = join(stage, 'dist', rel);
  const skip = new Set(otherPlatformBinaries(dir));
  cpSync(dir, dest, { recursive: true, dereference: true, filter: (src) => !skip.has(src) && !src.startsWith(join(dir, 'node_modules')) });
  copied++;
}
step(`copied ${copied} runtime packages for ${target}`);

// 3. vsce.
const out = outArg ? resolve(outArg) : join(root, `${pkg.name}-${pkg.version}-${target}.vsix`);
step(`vsce package --target ${target}`);
run(
  process.execPath,
  [
    join(root, 'node_modules/@vscode/vsce/vsce'),
    'package',
    '--no-dependencies',
    '--target',
    target,
    '--out',
    out,
    '--allow-missing-repository',
    '--allow-star-activation',
    ...(hasLicense ? [] : ['--skip-license']),
  ],
  { cwd: stage },
);
const mb = (statSync(out).size / 1024 / 1024).toFixed(1);
step(`wrote ${relative(process.cwd(), out) || out} (${mb} MB)`);
