/**
 * The SQLite binding behind Tollgate's `Db`: `@photostructure/sqlite`, an N-API build of Node's
 * own `node:sqlite` (one binary loads under every Node and Electron version, so the proxy runs on
 * VS Code's bundled runtime as well as on any Node ≥ 20). docs/ARCHITECTURE.md ("SQLite binding")
 * records why it was chosen over libsql and better-sqlite3, with the measured cost.
 *
 * The rest of the proxy was written against better-sqlite3's API; this adapter offers the subset it
 * uses (prepare → get/all/run/pluck, transaction, exec, pragma, close, loadExtension) with
 * the same semantics, so ledger, cache and governance code does not depend on the binding:
 * - rows come back as plain objects and BLOBs as `Buffer` (node:sqlite gives `Uint8Array`s);
 * - `transaction(fn)` returns a function that runs `fn` in BEGIN … COMMIT (ROLLBACK on throw),
 *   with an `.immediate` variant, and nests as a SAVEPOINT.
 * Integers beyond 2^53 read as an error rather than a rounded number (node:sqlite's rule); Tollgate
 * stores such values (64-bit hashes) only as filter keys it never reads back.
 */
import { DatabaseSync, type DatabaseSyncInstance, type StatementSyncInstance } from '@photostructure/sqlite';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type PositionalForm, positionalForm } from './params';

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
  /** Return only the first column of each row (persists on this statement, as in better-sqlite3). */
  pluck(toggle?: boolean): this;
  readonly source: string;
}

export type TransactionFn<A extends unknown[], R> = ((...args: A) => R) & { immediate: (...args: A) => R };

export interface OpenFileOptions {
  readonly?: boolean;
  /** Throw instead of creating the file when it does not exist. */
  fileMustExist?: boolean;
  /** Allow `loadExtension` (sqlite-vec). Default true. */
  allowExtension?: boolean;
  /** Read it as a file nothing changes (SQLite's `immutable`): no -shm index, no locks (db/open.ts). */
  immutable?: boolean;
}

/** node:sqlite returns BLOBs as Uint8Array; the code (and Buffer.compare/toString) expects Buffers. */
function fixRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const r = row as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    // typeof first: most columns are numbers, strings or null, which never need the instanceof.
    if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && v instanceof Uint8Array) r[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return r;
}

function fixValue(v: unknown): unknown {
  return typeof v === 'object' && v !== null && v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}

/**
 * Whether a statement may write, from its SQL text: anything but a plain read (SELECT, VALUES,
 * EXPLAIN, a PRAGMA without `=`) counts. Erring towards "writes" only costs a spare notification.
 */
export function mayWrite(sql: string): boolean {
  const head = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
  if (head === 'SELECT' || head === 'VALUES' || head === 'EXPLAIN') return false;
  if (head === 'PRAGMA') return sql.includes('=');
  return true;
}

/** A single plain object of named values (not a BLOB, not an array). */
function isNamedValues(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v);
}

class StatementAdapter implements Statement {
  private mode: 'object' | 'pluck' = 'object';
  /** The all-named statement rewritten with `?`s (params.ts), prepared on first use of an object. */
  private readonly form: PositionalForm | undefined;
  private positional: StatementSyncInstance | undefined;

  /**
   * Result column names when rows can be built here from arrays: the binding sets each property of
   * an object row through N-API, slower than it returns an array (measured ~10% of a key lookup's
   * CPU time on a 14-column row). Undefined (object rows from the binding) for a `__proto__` column.
   */
  private readonly names: string[] | undefined;

  constructor(
    private readonly db: DatabaseSyncInstance,
    private readonly st: StatementSyncInstance,
    /** Called after each execution of a statement that may write (undefined for reads). */
    private readonly wrote: (() => void) | undefined,
  ) {
    this.form = positionalForm(st.sourceSQL);
    const names = st.columns().map((c) => c.name);
    this.names = names.length > 0 && !names.includes('__proto__') ? names : undefined;
    if (this.names) st.setReturnArrays(true);
  }

  /** Whether the binding hands back arrays: always when rows are built here or for pluck. */
  private get arrays(): boolean {
    return this.mode !== 'object' || this.names !== undefined;
  }

  get source(): string {
    return this.st.sourceSQL;
  }

  pluck(toggle = true): this {
    this.mode = toggle ? 'pluck' : 'object';
    this.st.setReturnArrays(this.arrays);
    this.positional?.setReturnArrays(this.arrays);
    return this;
  }

  /**
   * The values of an object that has exactly the statement's names, all defined, in `?` order;
   * undefined for any other object, which keeps the binding's named rules (a missing name binds
   * NULL, an unknown one throws).
   */
  private slotValues(named: Record<string, unknown>): SqlValue[] | undefined {
    const form = this.form!;
    let keys = 0;
    for (const k in named) {
      if (!form.names.has(k) || named[k] === undefined) return undefined;
      keys++;
    }
    if (keys !== form.names.size) return undefined;
    const slots = form.slots;
    const values = new Array<SqlValue>(slots.length);
    for (let i = 0; i < slots.length; i++) values[i] = named[slots[i]!] as SqlValue;
    return values;
  }

  /** The statement and arguments one call binds. */
  private bound(params: unknown[]): [StatementSyncInstance, SqlValue[]] {
    if (this.form !== undefined && params.length === 1 && isNamedValues(params[0])) {
      const values = this.slotValues(params[0]);
      if (values !== undefined) {
        if (this.positional === undefined) {
          this.positional = this.db.prepare(this.form.sql);
          if (this.arrays) this.positional.setReturnArrays(true);
        }
        return [this.positional, values];
      }
    }
    return [this.st, params as SqlValue[]];
  }

  private shape(row: unknown): unknown {
    if (row === undefined) return undefined;
    if (this.mode === 'pluck') return fixValue((row as unknown[])[0]);
    const names = this.names;
    if (names === undefined) return fixRow(row);
    // Same keys in the same order for every row: V8 gives them one shape. A repeated name keeps
    // the last column's value, as the binding's own objects do.
    const values = row as unknown[];
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]!] = fixValue(values[i]);
    return out;
  }

  // 0 and 2 arguments (most key lookups) call the binding directly, without building an array.
  get(...params: BindParams): unknown {
    const n = params.length;
    let row: unknown;
    if (n === 0) row = this.st.get();
    else if (n === 2) row = this.st.get(params[0] as SqlValue, params[1] as SqlValue);
    else {
      const [st, values] = this.bound(params);
      row = st.get(...values);
    }
    this.wrote?.();
    return this.shape(row);
  }

  all(...params: BindParams): unknown[] {
    const [st, values] = this.bound(params);
    const rows = st.all(...values) as unknown[];
    this.wrote?.();
    for (let i = 0; i < rows.length; i++) rows[i] = this.shape(rows[i]);
    return rows;
  }

  run(...params: BindParams): RunResult {
    const n = params.length;
    let result: RunResult;
    if (n === 0) result = this.st.run() as RunResult;
    else if (n === 2) result = this.st.run(params[0] as SqlValue, params[1] as SqlValue) as RunResult;
    else {
      const [st, values] = this.bound(params);
      // node:sqlite reports changes as a number unless readBigInts is on (never here).
      result = st.run(...values) as RunResult;
    }
    this.wrote?.();
    return result;
  }
}

export class Db {
  private readonly raw: DatabaseSyncInstance;
  private savepoints = 0;
  private readonly closeHooks: Array<() => void> = [];
  private readonly commitHooks: Array<() => void> = [];
  /** A write ran inside the open transaction: its COMMIT is a commit to report. */
  private dirty = false;
  private readonly noteWrite = (): void => {
    if (this.commitHooks.length === 0) return;
    if (this.raw.isTransaction) this.dirty = true;
    else this.committed();
  };
  readonly name: string;

  constructor(file: string, opts: OpenFileOptions = {}) {
    if (opts.fileMustExist && file !== ':memory:') {
      // node:sqlite has no "must exist" flag; read-only opens fail on a missing file anyway, but a
      // read-write open would create it.
      if (!existsSync(file)) throw new Error(`unable to open database file: ${file} does not exist`);
    }
    this.raw = new DatabaseSync(opts.immutable ? `${pathToFileURL(file).href}?immutable=1` : file, { readOnly: opts.readonly ?? false, allowExtension: opts.allowExtension ?? true });
    this.name = file;
  }

  /** The binding's own handle, for the rare caller that needs node:sqlite API directly. */
  get handle(): DatabaseSyncInstance {
    return this.raw;
  }

  /** Inside an open transaction (better-sqlite3's name for it, so code stays binding-neutral). */
  get inTransaction(): boolean {
    return this.raw.isTransaction;
  }

  get open(): boolean {
    return this.raw.isOpen;
  }

  prepare(sql: string): Statement {
    return new StatementAdapter(this.raw, this.raw.prepare(sql), mayWrite(sql) ? this.noteWrite : undefined);
  }

  exec(sql: string): this {
    this.raw.exec(sql);
    this.noteWrite();
    return this;
  }

  /**
   * Runs `fn` after each commit of this connection that may have written (an autocommit write
   * statement, or the COMMIT of a transaction that ran one). Synchronous, on the writer's path:
   * keep it to a few instructions (the background checkpointer bumps a shared counter).
   */
  onCommit(fn: () => void): void {
    this.commitHooks.push(fn);
  }

  private committed(): void {
    this.dirty = false;
    for (const fn of this.commitHooks) fn();
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

  /** Runs `fn` once, just before the connection closes (a background checkpointer stops first). */
  onClose(fn: () => void): void {
    this.closeHooks.push(fn);
  }

  close(): void {
    this.commitHooks.length = 0;
    for (const fn of this.closeHooks.splice(0)) fn();
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
          if (this.dirty) this.committed();
          return result;
        } catch (err) {
          if (this.raw.isTransaction) this.raw.exec('ROLLBACK');
          this.dirty = false;
          throw err;
        }
      };
    return Object.assign(make('BEGIN'), { immediate: make('BEGIN IMMEDIATE') });
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
