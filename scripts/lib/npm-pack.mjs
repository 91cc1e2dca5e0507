/**
 * `npm pack <name>@<version>` into a folder and unpack it there (`<dest>/package/`): how
 * scripts/package.mjs gets another platform's optional package (e.g. sqlite-vec-darwin-arm64).
 *
 * Both commands run inside `dest` and name only relative paths, because on Windows neither can
 * take the absolute one safely: npm is `npm.cmd`, which Node only starts through a shell, and a
 * shell splits `C:\Users\Jane Doe\…` at the space; GNU tar (Git Bash, MSYS2) reads `C:\…` as
 * `host:path` and tries to reach a host named C.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} name
 * @param {string} version
 * @param {string} dest
 * @param {{ shell?: boolean }} [opts] shell: start npm through a shell (default: on Windows only)
 * @returns {string} the unpacked package folder, `<dest>/package`
 */
export function packInto(name, version, dest, opts = {}) {
  const shell = opts.shell ?? process.platform === 'win32';
  mkdirSync(dest, { recursive: true });
  for (const f of readdirSync(dest)) if (f.endsWith('.tgz')) rmSync(join(dest, f)); // a half-finished earlier run
  const r = spawnSync('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', '.'], { cwd: dest, encoding: 'utf8', shell });
  if (r.status !== 0) throw new Error(`npm pack ${name}@${version} failed (exit ${r.status ?? r.signal}): ${r.stderr}`);
  const tgz = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${name}@${version} wrote no .tgz into ${dest}`);
  const x = spawnSync('tar', ['-xzf', tgz], { cwd: dest, encoding: 'utf8' });
  if (x.status !== 0) throw new Error(`tar -xzf ${tgz} failed in ${dest} (exit ${x.status ?? x.signal}): ${x.stderr}`);
  rmSync(join(dest, tgz));
  if (!existsSync(join(dest, 'package/package.json'))) throw new Error(`${tgz} has no package/package.json`);
  return join(dest, 'package');
}
