/**
 * proxy/src/db's adapter binds an object of named values by position when the statement's
 * parameters are all named (params.ts); these check it binds the same rows as named binding would,
 * on a real SQLite file, and that every other shape keeps the binding's own rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionalForm } from '../../proxy/src/db/params';
import { Db } from '../../proxy/src/db/sqlite';

describe('positionalForm', () => {
  it('rewrites each named occurrence as ?, in order, repeats included', () => {
    expect(positionalForm('INSERT INTO t (a, b, c) VALUES (@a, :b, $c)')).toEqual({
      sql: 'INSERT INTO t (a, b, c) VALUES (?, ?, ?)',
      slots: ['a', 'b', 'c'],
      names: new Set(['a', 'b', 'c']),
    });
    expect(positionalForm('UPDATE t SET a = @x WHERE b = @y OR c = @x')).toMatchObject({ sql: 'UPDATE t SET a = ? WHERE b = ? OR c = ?', slots: ['x', 'y', 'x'] });
  });

  it('leaves literals, quoted identifiers, comments and $ inside identifiers alone', () => {
    const sql = `SELECT '@no', "@no", [@no], \`@no\`, a$b -- @no\n /* :no */ FROM t WHERE a = @yes AND b = 'it''s @no'`;
    expect(positionalForm(sql)).toEqual({ sql: sql.replace('@yes', '?'), slots: ['yes'], names: new Set(['yes']) });
  });

  it('rewrites nothing when a statement has positional, mixed-prefix or no parameters', () => {
    expect(positionalForm('SELECT * FROM t WHERE a = ?')).toBeUndefined();
    expect(positionalForm('SELECT * FROM t WHERE a = @a AND b = ?')).toBeUndefined();
    expect(positionalForm('SELECT * FROM t WHERE a = @a AND b = :a')).toBeUndefined();
    expect(positionalForm('SELECT 1')).toBeUndefined();
  });
});

describe('Db statements with named values', () => {
  let dir: string;
  let db: Db;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-db-adapter-'));
    db = new Db(join(dir, 'a.db'));
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c BLOB, d REAL)');
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds each name to its own column whatever the object key order', () => {
    const ins = db.prepare('INSERT INTO t (d, c, b, a) VALUES ($d, :c, @b, @a)');
    const r = ins.run({ a: 'x', b: 7, c: Buffer.from([1, 2]), d: 1.5 });
    expect(r.changes).toBe(1);
    const row = db.prepare('SELECT a, b, c, d FROM t WHERE id = @id').get({ id: r.lastInsertRowid }) as Record<string, unknown>;
    expect(row).toEqual({ a: 'x', b: 7, c: Buffer.from([1, 2]), d: 1.5 });
    expect(Buffer.isBuffer(row.c)).toBe(true);
  });

  it('binds a repeated name once, and null as NULL', () => {
    db.prepare('INSERT INTO t (a, b) VALUES (@v, length(@v))').run({ v: 'abcd' });
    db.prepare('INSERT INTO t (a, b) VALUES (@a, @b)').run({ a: null, b: 1 });
    expect(db.prepare('SELECT a, b FROM t WHERE a = @v').all({ v: 'abcd' })).toEqual([{ a: 'abcd', b: 4 }]);
    expect(db.prepare('SELECT count(*) FROM t WHERE a IS NULL AND b = @b').pluck().get({ b: 1 })).toBe(1);
  });

  it('pluck applies to the rewritten statement, also when set after its first use', () => {
    const st = db.prepare('SELECT a, b FROM t WHERE a = @a');
    expect(st.get({ a: 'x' })).toEqual({ a: 'x', b: 7 });
    expect(st.pluck().get({ a: 'x' })).toBe('x');
    expect(st.pluck().all({ a: 'x' })).toEqual(['x']);
    expect(st.pluck(false).get({ a: 'x' })).toEqual({ a: 'x', b: 7 });
  });

  it("builds rows with the binding's own keys, including repeated and __proto__ column names", () => {
    for (const sql of ["SELECT 1 AS a, 'two' AS b, NULL AS c", 'SELECT 1 AS a, 2 AS a', 'SELECT 1 AS __proto__, 2 AS b', 'SELECT a, b FROM t WHERE 0']) {
      const mine = db.prepare(sql).all();
      const binding = db.handle.prepare(sql).all();
      expect(mine, sql).toEqual(binding);
      expect(mine.map((r) => Object.keys(r as object)), sql).toEqual(binding.map((r) => Object.keys(r as object)));
    }
    expect(Object.getPrototypeOf(db.prepare('SELECT 1 AS __proto__').get())).toBe(Object.getPrototypeOf(db.handle.prepare('SELECT 1 AS __proto__').get()));
  });

  it('still lets the binding reject an unknown name, and bind a missing one as NULL', () => {
    const ins = db.prepare('INSERT INTO t (a, b) VALUES (@a, @b)');
    expect(() => ins.run({ a: 'p', b: 1, extra: 2 })).toThrow(/Unknown named parameter/i);
    ins.run({ a: 'only-a' });
    expect(db.prepare('SELECT b FROM t WHERE a = ?').pluck().get('only-a')).toBeNull();
  });

  it('binds positional values as given, for 0, 1, 2 and more arguments', () => {
    db.prepare('INSERT INTO t (a, b, d) VALUES (?, ?, ?)').run('pos', 3, 0.25);
    expect(db.prepare('SELECT b FROM t WHERE a = ?').pluck().get('pos')).toBe(3);
    expect(db.prepare('SELECT d FROM t WHERE a = ? AND b = ?').pluck().get('pos', 3)).toBe(0.25);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: expect.any(Number) });
    expect(db.prepare('SELECT a FROM t WHERE a = ? AND b = ? AND d = ?').pluck().all('pos', 3, 0.25)).toEqual(['pos']);
  });
});
