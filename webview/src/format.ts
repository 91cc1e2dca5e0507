/** Display formatting for the dashboard (pure). */
import { isAuthFailure, isBudgetBlock, isInFlightHold } from '@contract/api';
import type { CallRecord } from './protocol';

import { formatUsd } from '@contract/format';

/** Money, token counts and shares read the same in the dashboard, status bar and CLI. */
export { formatPercent, formatTokens, formatUsd } from '@contract/format';

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local clock time; the date too when not today. */
export function formatTime(ts: number, now = Date.now()): string {
  const d = new Date(ts);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const n = new Date(now);
  if (d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function formatCache(call: Pick<CallRecord, 'cache' | 'similarity'>): string {
  if (call.cache === 'semantic' && typeof call.similarity === 'number') return `semantic ${call.similarity.toFixed(3)}`;
  return call.cache;
}

export function formatModel(call: Pick<CallRecord, 'modelRequested' | 'modelUsed'>): string {
  if (!call.modelUsed || call.modelUsed === call.modelRequested) return call.modelRequested || call.modelUsed;
  return `${isolateBidi(call.modelRequested)} → ${isolateBidi(call.modelUsed)}`;
}

/** Hebrew, Arabic, Syriac, Thaana, NKo… and their presentation forms: text laid out right to left. */
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]|\uD802[\uDC00-\uDFFF]|\uD803[\uDC00-\uDE7F]|\uD83A[\uDC00-\uDFFF]|\uD83B[\uDC00-\uDEFF]/;
/** Explicit bidi controls: ALM, LRM, RLM, embeddings and overrides (LRE…RLO), isolates (LRI…PDI). */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', '\u2068']);
const PDI = '\u2069';

/**
 * A right-to-left name in first-strong isolates (U+2068 … U+2069): without them two RTL tags and the
 * " / " between them form one RTL run, so "feature / team" would read "team / feature". A name
 * with bidi controls of its own (a stray RIGHT-TO-LEFT OVERRIDE in a tag header or model name) is
 * isolated too, its isolates balanced: the closing PDI ends any override still open inside, so it
 * cannot reverse the separator and the names after it. Pure.
 */
export function isolateBidi(text: string): string {
  if (!BIDI_CONTROL.test(text)) return RTL.test(text) ? `\u2068${text}${PDI}` : text;
  let open = 0;
  let out = '';
  for (const ch of text) {
    if (ISOLATE_OPENERS.has(ch)) open++;
    else if (ch === PDI) {
      // A PDI without an opener inside the name would close the isolate around it: drop it.
      if (open === 0) continue;
      open--;
    }
    out += ch;
  }
  return `\u2068${out}${PDI.repeat(open + 1)}`;
}

export function formatTags(call: Pick<CallRecord, 'tags'>): string {
  const { feature, team, user } = call.tags ?? {};
  return [feature, team, user].map((t) => (t ? isolateBidi(t) : '–')).join(' / ');
}

/** A call's $ figure: "unpriced" for a model without a known price (its cost reads 0, it was not free). */
export function formatCallCost(call: Pick<CallRecord, 'priced' | 'costUsd' | 'inputTokens' | 'outputTokens'>): string {
  return call.priced || call.inputTokens + call.outputTokens === 0 ? formatUsd(call.costUsd) : 'unpriced';
}

export function formatStatus(call: Pick<CallRecord, 'status' | 'errorType'>): string {
  return call.errorType ? `${call.status} ${call.errorType}` : String(call.status);
}

/** "1 call", "2 calls", "1,234 calls". */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

export interface CallOutcome {
  /** Short label for lists ("miss", "key rejected (401)", "budget blocked (429)"). */
  label: string;
  tone: 'ok' | 'cache' | 'bad';
  /** Failed calls cost nothing, but are not free successes either: no $ figure for them. */
  failed: boolean;
}

/** How a call ended, in words: failures are never shown like a $0 cache miss. Pure. */
export function callOutcome(call: Pick<CallRecord, 'status' | 'errorType' | 'cache' | 'similarity' | 'budget'>): CallOutcome {
  if (isAuthFailure(call)) return { label: `key rejected (${call.status})`, tone: 'bad', failed: true };
  // Held because calls in flight reserve their worst case: the client retries in 2 s, the budget is not spent.
  if (isBudgetBlock(call)) return { label: isInFlightHold(call.budget) ? 'held: calls in flight (429)' : 'budget blocked (429)', tone: 'bad', failed: true };
  if (call.status === 429) return { label: 'rate limited (429)', tone: 'bad', failed: true };
  if (call.status >= 400 || call.status === 0) return { label: `error ${call.status || ''}`.trim(), tone: 'bad', failed: true };
  return { label: formatCache(call), tone: call.cache === 'exact' || call.cache === 'semantic' ? 'cache' : 'ok', failed: false };
}
