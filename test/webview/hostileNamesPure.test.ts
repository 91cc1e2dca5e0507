/**
 * Pure parts of the dashboard with names the other tests never used: tag and model names carrying
 * their own bidi controls (balanced so nothing stays open after the name), and the untagged
 * "(none)" filter the proxy understands, applied to calls that arrive live.
 */
import { describe, expect, it } from 'vitest';
import { barTooltip } from '../../webview/src/charts/barList';
import { formatModel, formatTags, isolateBidi } from '../../webview/src/format';
import { CallStore } from '../../webview/src/state/callStore';
import { matchesFilter } from '../../webview/src/state/filter';
import { liveCall } from './support/streamingHost';

/**
 * The explicit-level stack of the Unicode Bidirectional Algorithm (UAX #9, X1–X8) left at the end of
 * `text`: embeddings and overrides (LRE, RLE, LRO, RLO), isolates (LRI, RLI, FSI); PDF closes the
 * last embedding unless an isolate was opened after it; PDI closes the last isolate and everything
 * opened inside it, and does nothing without an open isolate. Empty: nothing leaks past `text`.
 */
function openAfter(text: string): string[] {
  const stack: string[] = [];
  for (const ch of text) {
    if ('\u202A\u202B\u202D\u202E'.includes(ch)) stack.push('embed');
    else if ('\u2066\u2067\u2068'.includes(ch)) stack.push('isolate');
    else if (ch === '\u202C' && stack.length && stack[stack.length - 1] === 'embed') stack.pop();
    else if (ch === '\u2069' && stack.includes('isolate')) {
      while (stack.pop() !== 'isolate');
    }
  }
  return stack;
}

describe('names with their own bidi controls', () => {
  const names = [
    '\u202Egnp.exe', // an unterminated RIGHT-TO-LEFT OVERRIDE
    'a\u2069\u202Eb', // a PDI with no opener, then an override
    '\u2067x\u202Dy', // an isolate and an override, both left open
    '\u202Bembedded\u202C done', // balanced: stays as it was, isolated
    'plain-model',
  ];

  it.each(names)('closes everything %j opens before the separator', (name) => {
    const shown = isolateBidi(name);
    expect(openAfter(shown)).toEqual([]);
    // Only bidi controls are added or dropped: the visible characters are the name's.
    const visible = (s: string) => s.replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
    expect(visible(shown)).toBe(visible(name));
  });

  it('leaves the separators of the tag and model cells outside any override', () => {
    const call = { tags: { feature: '\u202Eevil', team: 'a\u2069\u202Eb', user: 'c' } };
    const tags = formatTags(call);
    for (const part of tags.split(' / ')) expect(openAfter(part)).toEqual([]);
    const model = formatModel({ modelRequested: '\u202Emini', modelUsed: 'big' });
    expect(openAfter(model.slice(0, model.indexOf(' → ')))).toEqual([]);
    expect(model.endsWith(' → big')).toBe(true);
  });

  it('leaves the figures of a spend bar\'s tooltip outside any override', () => {
    const bucket = { key: '\u202Eevil', calls: 3, costUsd: 1.5, savedUsd: 0.25, inputTokens: 0, outputTokens: 0, hits: 0 };
    const tip = barTooltip(bucket);
    const cut = tip.lastIndexOf(': $');
    expect(openAfter(tip.slice(0, cut))).toEqual([]);
    expect(tip.slice(cut)).toBe(': $1.50 over 3 calls, $0.25 saved');
  });
});

describe('the untagged "(none)" filter on live calls', () => {
  const untagged = liveCall(1, { tags: { team: 'search' } });
  const tagged = liveCall(2, { tags: { feature: 'chat', team: 'search' } });

  it('matches a live call without the tag, as the proxy lists it (tag IS NULL)', () => {
    expect(matchesFilter(untagged, { feature: '(none)' })).toBe(true);
    expect(matchesFilter(tagged, { feature: '(none)' })).toBe(false);
    expect(matchesFilter(untagged, { team: '(none)' })).toBe(false);
    expect(matchesFilter(liveCall(3, { tags: {} }), { user: '(none)' })).toBe(true);
  });

  it('adds such a call to a table filtered by "(none)"', () => {
    const store = new CallStore();
    store.reset({ feature: '(none)' });
    store.applyPage({ calls: [], total: 0 });
    expect(store.appendLive([tagged, untagged]).map((c) => c.id)).toEqual([1]);
    expect(store.length).toBe(1);
  });
});
