/** Shared set-up for governance tests: a real SQLite file in a fresh temp dir and a policy. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { PolicySchema, type Policy, type PolicyInput } from '../../proxy/src/policy/schema';
import { priceCall } from '../../proxy/src/pricing/price';

export interface TempDb {
  dir: string;
  file: string;
  open(): Db;
  cleanup(): void;
}

export function tempDb(): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-gov-'));
  const file = join(dir, 'tollgate.db');
  const opened: Db[] = [];
  return {
    dir,
    file,
    open() {
      const db = openDatabase(file, { vector: false });
      opened.push(db);
      return db;
    },
    cleanup() {
      for (const db of opened) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function policy(input: PolicyInput): Policy {
  return PolicySchema.parse(input);
}

/** Worst-case $ of a call as the governor prices it (from genai-prices, not a constant). */
export function worstCase(model: string, inputTokens: number, maxOutputTokens: number, provider = 'openai'): number {
  const p = priceCall(model, { inputTokens, outputTokens: maxOutputTokens }, provider);
  if (!p.priced) throw new Error(`no price for ${model}`);
  return p.totalUsd;
}

/** A clock tests move by hand. */
export function manualClock(start = Date.UTC(2026, 10, 23, 12, 0, 0)): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
