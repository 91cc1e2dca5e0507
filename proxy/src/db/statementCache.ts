/**
 * Prepared statements by SQL text, one cache per owner: compiling a statement costs more than
 * running it, so stores on a per-request path prepare each text once. Per owner (not per
 * connection) because a statement's modes (`pluck`, `raw`) stick to it and owners set their own.
 */
import type { Db, Statement } from './sqlite';

export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  get(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }
}
