/**
 * A budget's scope glob is matched in two places: live, each call against the scope (scope.ts, in
 * JavaScript), and over the ledger when a budget's first window starts from what its scope already
 * spent (ledgerSeed.ts, in SQL), which is also what the budget status shows before a call writes it.
 * SQLite's GLOB counts `?` as one code point, JavaScript's matcher as one UTF-16 unit: on a tag with
 * an emoji or a CJK extension character (two units) `chat-?` counted calls the live match never
 * charged, and `chat-??` the reverse. Real governor, real SQLite file, real ledger rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { scopeMatches } from '../../proxy/src/governance/scope';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { ledgerRow } from '../support/ledgerRow';
import { manualClock, policy, tempDb, type TempDb } from './helpers';

let t: TempDb | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const KEY = 'tg_1111111111111111';
// One character each after `chat-`: ASCII, a composed accent, an emoji, a CJK Extension B ideograph, a capital.
const FEATURES = ['chat-x', 'chat-é', 'chat-😀', 'chat-𠀀', 'chat-Q', 'chat-xy', 'chat-'];

describe('a scope glob with ? on tags outside the Basic Multilingual Plane', () => {
  for (const pattern of ['chat-?', 'chat-??', 'CHAT-?*', '*?😀']) {
    it(`${pattern}: the budget status counts the calls the live match charges, and no others`, () => {
      t = tempDb();
      const db = t.open();
      const ledger = new Ledger(db);
      const clock = manualClock();
      // A distinct power of two per feature: the sum says which rows were counted.
      FEATURES.forEach((feature, i) => {
        ledger.insert(ledgerRow({ requestId: `r${i}`, ts: clock.now() - 60_000, keyFingerprint: KEY, tags: { feature }, costUsd: 2 ** i / 1000 }));
      });
      const scope = { feature: pattern };
      const g = new Governor(db, () => policy({ budgets: [{ name: 'b', scope, period: 'day', usd: 1000 }] }), clock.now);
      const live = FEATURES.reduce((sum, feature, i) => sum + (scopeMatches(scope, { keyFingerprint: KEY, feature }) ? 2 ** i / 1000 : 0), 0);
      expect(live).toBeGreaterThan(0);
      expect(g.status()[0]!.spentUsd).toBeCloseTo(live, 9);
      g.close();
    });
  }
});
