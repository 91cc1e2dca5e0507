/**
 * The SQLite binding behind Tollgate's `Db`: `@photostructure/sqlite`, an N-API build of Node's
 * own `node:sqlite` (one binary loads under every Node and Electron version, so the proxy runs on
 * VS Code's bundled runtime as well as on any Node ≥ 20). docs/ARCHITECTURE.md ("SQLite binding")
 * records why it was chosen over libsql and better-sqlite3, with the measured cost.
 *
 * The rest of the proxy was written against better-sqlite3's API; this adapter offers the subset it
 * uses (prepare → get/all/run/iterate/pluck, transaction, exec, pragma, close, loadExtension) with
 * the same semantics, so ledger, cache and governance code does not depend on the binding:
 * - rows come back as plain objects and BLOBs as `Buffer` (node:sqlite gives `Uint8Array`s);
 * - `transaction(fn)` returns a function that runs `fn` in BEGIN … COMMIT (ROLLBACK on throw),
 *   with `.deferred/.immediate/.exclusive` variants, and nests as a SAVEPOINT.
 * Integers beyond 2^53 read as an error rather than a rounded number (node:sqlite's rule); Tollgate
 * stores such values (64-bit hashes) only as filter keys it never reads back.
 */
import { DatabaseSync, type DatabaseSyncInstance, type StatementSyncInstance } from '@photostructure/sqlite';
import { existsSync } from 'node:fs';

/** A value SQLite can bind. */
export type SqlValue = null | number | bigint | string | Uint8Array;
/** Positional values, or one object of named values (`@name`/`:name`/`$name` in the SQL, bare keys). */
export type BindParams = unknown[];

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface Statement {
  /** First row (or its first column after `pluck()`), `undefined` when there is none. */
  get(...params: BindParams): unknown;
  all(...params: BindParams): unknown[];
  run(...params: BindParams): RunResult;
  iterate(...params: BindParams): IterableIterator<unknown>;
  /** Return only the first column of each row (persists on this statement, as in better-sqlite3). */
  pluck(toggle?: boolean): this;
  /** Return rows as arrays of column values. */
  raw(toggle?: boolean): this;
  readonly source: string;
}

export type TransactionFn<A extends unknown[], R> = ((...args: A) => R) & {
  deferred: (...args: A) => R;
  immediate: (...args: A) => R;
  exclusive: (...args: A) => R;
};

export interface OpenFileOptions {
  readonly?: boolean;
  /** Throw instead of creating the file when it does not exist. */
  fileMustExist?: boolean;
  /** Allow `loadExtension` (sqlite-vec). Default true. */
  allowExtension?: boolean;
}

/** node:sqlite returns BLOBs as Uint8Array; the code (and Buffer.compare/toString) expects Buffers. */
function fixRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const r = row as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) r[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return r;
}

function fixValue(v: unknown): unknown {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}

class StatementAdapter implements Statement {
  private mode: 'object' | 'pluck' | 'raw' = 'object';

  constructor(private readonly st: StatementSyncInstance) {}

  get source(): string {
    return this.st.sourceSQL;
  }

  private setMode(mode: 'object' | 'pluck' | 'raw'): void {
    this.mode = mode;
    this.st.setReturnArrays(mode !== 'object');
  }

  pluck(toggle = true): this {
    this.setMode(toggle ? 'pluck' : 'object');
    return this;
  }

  raw(toggle = true): this {
    this.setMode(toggle ? 'raw' : 'object');
    return this;
  }

  private shape(row: unknown): unknown {
    if (row === undefined) return undefined;
    if (this.mode === 'pluck') return fixValue((row as unknown[])[0]);
    if (this.mode === 'raw') return (row as unknown[]).map(fixValue);
    return fixRow(row);
  }

  get(...params: BindParams): unknown {
    return this.shape(this.st.get(...(params as SqlValue[])));
  }

  all(...params: BindParams): unknown[] {
    const rows = this.st.all(...(params as SqlValue[])) as unknown[];
    for (let i = 0; i < rows.length; i++) rows[i] = this.shape(rows[i]);
    return rows;
  }

  run(...params: BindParams): RunResult {
    const r = this.st.run(...(params as SqlValue[]));
    return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
  }

  *iterate(...params: BindParams): IterableIterator<unknown> {
    for (const row of this.st.iterate(...(params as SqlValue[]))) yield this.shape(row);
  }
}

export class Db {
  private readonly raw: DatabaseSyncInstance;
  private savepoints = 0;
  readonly name: string;
  readonly readonly: boolean;

  constructor(file: string, opts: OpenFileOptions = {}) {
    if (opts.fileMustExist && file !== ':memory:') {
      // node:sqlite has no "must exist" flag; read-only opens fail on a missing file anyway, but a
      // read-write open would create it.
      if (!existsSync(file)) throw new Error(`unable to open database file: ${file} does not exist`);
    }
    this.raw = new DatabaseSync(file, { readOnly: opts.readonly ?? false, allowExtension: opts.allowExtension ?? true });
    this.name = file;
    this.readonly = opts.readonly ?? false;
  }

  /** The binding's own handle, for the rare caller that needs node:sqlite API directly. */
  get handle(): DatabaseSyncInstance {
    return this.raw;
  }

  get open(): boolean {
    return this.raw.isOpen;
  }

  get inTransaction(): boolean {
    return this.raw.isTransaction;
  }

  prepare(sql: string): Statement {
    return new StatementAdapter(this.raw.prepare(sql));
  }

  exec(sql: string): this {
    this.raw.exec(sql);
    return this;
  }

  /** `pragma('journal_mode = WAL')` → rows; with `{ simple: true }` the first column of the first row. */
  pragma(source: string, opts: { simple?: boolean } = {}): unknown {
    const st = this.prepare(`PRAGMA ${source}`);
    return opts.simple ? st.pluck().get() : st.all();
  }

  loadExtension(path: string): void {
    this.raw.enableLoadExtension(true);
    try {
      this.raw.loadExtension(path);
    } finally {
      // Leave SQL-level load_extension() off: only the code decides what gets loaded.
      this.raw.enableLoadExtension(false);
    }
  }

  close(): void {
    if (this.raw.isOpen) this.raw.close();
  }

  /** better-sqlite3's transaction wrapper: BEGIN/COMMIT, ROLLBACK on throw, SAVEPOINT when nested. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): TransactionFn<A, R> {
    const make =
      (begin: string) =>
      (...args: A): R => {
        if (this.raw.isTransaction) return this.inSavepoint(fn, args);
        this.raw.exec(begin);
        try {
          const result = fn(...args);
          this.raw.exec('COMMIT');
          return result;
        } catch (err) {
          if (this.raw.isTransaction) this.raw.exec('ROLLBACK');
          throw err;
        }
      };
    return Object.assign(make('BEGIN'), {
      deferred: make('BEGIN DEFERRED'),
      immediate: make('BEGIN IMMEDIATE'),
      exclusive: make('BEGIN EXCLUSIVE'),
    });
  }

  private inSavepoint<A extends unknown[], R>(fn: (...args: A) => R, args: A): R {
    const name = `tg_sp_${++this.savepoints}`;
    this.raw.exec(`SAVEPOINT ${name}`);
    try {
      const result = fn(...args);
      this.raw.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      if (this.raw.isTransaction) this.raw.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    } finally {
      this.savepoints--;
    }
  }
}
