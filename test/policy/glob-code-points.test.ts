/**
 * A policy glob's `?` is one character, as the docs say and as SQLite's GLOB reads it: an emoji or a CJK
 * Extension B ideograph in a tag is two UTF-16 units, and `chat-?` missed `chat-😀` (it took `chat-??`,
 * which also matched `chat-xy`). Real governor, real SQLite file, real ledger rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { scopeMatches } from '../../proxy/src/governance/scope';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { manualClock, policy, tempDb, type TempDb } from '../governance/helpers';
import { ledgerRow } from '../support/ledgerRow';

let t: TempDb | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const KEY = 'tg_2222222222222222';

describe('? in a scope glob on a tag outside the Basic Multilingual Plane', () => {
  it.each([
    ['chat-?', ['chat-😀', 'chat-𠀀', 'chat-x'], ['chat-xy', 'chat-😀😀']],
    ['chat-??', ['chat-xy', 'chat-😀x', 'chat-😀😀'], ['chat-😀', 'chat-𠀀']],
    ['*?-😀', ['a-😀', '𠀀-😀'], ['-😀']],
  ])('%s: each ? is one character, live and in the budget read from the ledger', (pattern, matching, other) => {
    t = tempDb();
    const db = t.open();
    const ledger = new Ledger(db);
    const clock = manualClock();
    const features = [...matching, ...other];
    for (const [i, feature] of features.entries()) ledger.insert(ledgerRow({ requestId: `r${i}`, ts: clock.now() - 60_000, keyFingerprint: KEY, tags: { feature }, costUsd: 1 }));
    for (const feature of matching) expect(scopeMatches({ feature: pattern }, { keyFingerprint: KEY, feature }), feature).toBe(true);
    for (const feature of other) expect(scopeMatches({ feature: pattern }, { keyFingerprint: KEY, feature }), feature).toBe(false);
    // SQLite's own GLOB, which the ledger's window read agrees with.
    for (const feature of features) expect(db.prepare('SELECT ? GLOB ? AS m').get(feature, pattern)).toEqual({ m: matching.includes(feature) ? 1 : 0 });
    const g = new Governor(db, () => policy({ budgets: [{ name: 'b', scope: { feature: pattern }, period: 'day', usd: 1000 }] }), clock.now);
    expect(g.status()[0]!.spentUsd).toBeCloseTo(matching.length, 9);
    g.close();
  });
});
