/**
 * `~` in TOLLGATE_DATA_DIR and --data-dir: shells leave it unexpanded when quoted, after `=` in an
 * option (`--data-dir=~/x`), in .env files and service units; it must mean the home directory, not
 * a folder named `~` in the working directory. The ledger and the model commands must agree.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDirFrom, defaultDataDir } from '../../proxy/src/cli/paths';
import { defaultDataDir as modelsDataDir, expandHome } from '../../proxy/src/embedding/models/paths';
import { runCli } from './cli';

const home = mkdtempSync(join(tmpdir(), 'tollgate-home-'));
const cwd = mkdtempSync(join(tmpdir(), 'tollgate-cwd-'));
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

describe('~ in the data directory', () => {
  it('TOLLGATE_DATA_DIR=~/x is <home>/x for the ledger and the models alike', () => {
    const env = { TOLLGATE_DATA_DIR: '~/tollgate data', HOME: home };
    expect(expandHome('~/tollgate data', home)).toBe(join(home, 'tollgate data'));
    expect(expandHome('~', home)).toBe(home);
    expect(defaultDataDir(env)).not.toContain('~');
    expect(modelsDataDir(env)).not.toContain('~');
    expect(defaultDataDir(env)).toBe(modelsDataDir(env));
  });

  it('expands ~\\ only where backslash separates paths, and keeps ~user and ~ inside a name', () => {
    expect(expandHome('~\\tg', 'C:\\Users\\ann', '\\')).toMatch(/^C:\\Users\\ann[\\/]tg$/);
    expect(expandHome('~\\tg', '/home/ann', '/')).toBe('~\\tg');
    expect(expandHome('~ann/tg', '/home/ann')).toBe('~ann/tg');
    expect(expandHome('/data/~/tg', '/home/ann')).toBe('/data/~/tg');
    expect(dataDirFrom('~/x')).toBe(join(expandHome('~'), 'x'));
  });

  it('`model status --json` reports the folder under the home directory', async () => {
    const r = await runCli(['model', 'status', '--json'], { cwd, env: { HOME: home, USERPROFILE: home, TOLLGATE_DATA_DIR: '~/tg' } });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { dir: string };
    expect(report.dir.startsWith(join(home, 'tg', 'models'))).toBe(true);
  }, 30_000);

  it('`cache stats --data-dir=~/x` looks in <home>/x and makes no ~ folder', async () => {
    const r = await runCli(['cache', 'stats', '--data-dir=~/x'], { cwd, env: { HOME: home, USERPROFILE: home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(home, 'x'));
    expect(existsSync(join(cwd, '~'))).toBe(false);
  }, 30_000);

  it('`policy export --policy=~/p.yaml --out=~/exports` reads and writes under the home directory', async () => {
    writeFileSync(join(home, 'p.yaml'), 'version: 1\n');
    const r = await runCli(['policy', 'export', '--target', 'litellm', '--policy=~/p.yaml', '--out=~/exports'], { cwd, env: { HOME: home, USERPROFILE: home } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(home, 'exports', 'litellm', 'config.yaml'))).toBe(true);
    expect(existsSync(join(cwd, '~'))).toBe(false);
  }, 30_000);
});
