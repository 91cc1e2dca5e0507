/**
 * scripts/lib/npm-pack.mjs: another platform's optional package, packed from the registry and
 * unpacked into a folder whose path has a space (a Windows user folder such as `C:\Users\Jane Doe`),
 * also when npm is started through a shell as it must be on Windows (npm.cmd).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packInto } from '../../scripts/lib/npm-pack.mjs';
import { binaryKind } from './binaries';

const root = resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(root, 'node_modules/sqlite-vec/package.json'), 'utf8')) as { version: string };
const NAME = 'sqlite-vec-darwin-arm64'; // never this machine's own, so never already in node_modules

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tollgate npm pack '));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('packInto', () => {
  it.each([
    ['through a shell (as on Windows)', true],
    ['without a shell', false],
  ])('unpacks the exact package into a folder with spaces, %s', (_label, shell) => {
    const dest = join(tmp, `Jane Doe ${shell ? 'shell' : 'direct'}`, `${NAME}-${version}`);
    const dir = packInto(NAME, version, dest, { shell });
    expect(dir).toBe(join(dest, 'package'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(pkg).toMatchObject({ name: NAME, version });
    expect(binaryKind(readFileSync(join(dir, 'vec0.dylib')).subarray(0, 4096))).toEqual({ format: 'macho', arch: 'arm64' });
  }, 120_000);
});
