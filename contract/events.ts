/**
 * GET /tollgate/events: one server-sent-event stream of what happens in the proxy. Each SSE
 * `event:` name maps to its `data:` JSON payload here; a reader parses with `parseLiveEvent`.
 */
import type { CallRecord } from './api';

/** A budget crossed its warn threshold or its limit. Token-only budgets have no `limitUsd`. */
export interface BudgetAlert {
  budget: string;
  level: 'warn' | 'exceeded';
  spentUsd: number;
  limitUsd?: number;
  spentTokens: number;
  limitTokens?: number;
  period: string;
  /** Epoch ms. */
  resetsAt: number;
}

/** The policy file was reloaded (ok) or an edit was refused (problems). */
export interface PolicyEvent {
  ok: boolean;
  problems: Array<{ file?: string; line?: number; column?: number; path?: string; message: string }>;
}

export interface LiveEvents {
  call: CallRecord;
  budget: BudgetAlert;
  policy: PolicyEvent;
}

export type LiveEventName = keyof LiveEvents;
export type LiveEvent = { [K in LiveEventName]: { event: K; data: LiveEvents[K] } }[LiveEventName];

const NAMES: ReadonlySet<string> = new Set<LiveEventName>(['call', 'budget', 'policy']);

/** One SSE frame of the stream as a typed event; undefined for comments, unknown names or bad JSON. */
export function parseLiveEvent(event: string, data: string): LiveEvent | undefined {
  if (!NAMES.has(event)) return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    return { event, data: parsed } as LiveEvent;
  } catch {
    return undefined;
  }
}

/** One SSE frame for an event (the proxy's writer). */
export function liveEventFrame<K extends LiveEventName>(event: K, data: LiveEvents[K]): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
