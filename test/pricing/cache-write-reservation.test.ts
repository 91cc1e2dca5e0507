/**
 * Budget reservations of Anthropic requests with prompt-cache marks: the first call of a cached
 * prompt bills its input as cache writes, at 1.25 times the input rate (5-minute TTL) or twice it
 * (`ttl: "1h"`). Reserved at the input rate, such a call was held at up to half its input's bill.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { reservationCacheWrites } from '../../proxy/src/pipeline/cost';
import type { Json } from '../../proxy/src/providers/types';
import { manualClock, policy, tempDb, type TempDb } from '../governance/helpers';

const MODEL = 'claude-sonnet-4-5';
const INPUT = 50_000;
const OUTPUT = 1_000;

const request = (cacheControl: Json | undefined): Json => ({
  model: MODEL,
  max_tokens: OUTPUT,
  system: [{ type: 'text', text: 'A long style guide…', ...(cacheControl ? { cache_control: cacheControl } : {}) }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Review this diff.' }] }],
});

/** What Anthropic bills when all of the input is written to the cache (genai-prices' rates). */
function firstCallBill(ttl1h: boolean): number {
  return calcPrice({ input_tokens: INPUT, output_tokens: OUTPUT, cache_write_tokens: INPUT, ...(ttl1h ? { cache_write_1h_tokens: INPUT } : {}) }, MODEL, { providerId: 'anthropic' })!.total_price;
}

describe('cache writes a request may bill', () => {
  it('none without a cache_control mark; all input at the 5-minute or the 1-hour rate with one', () => {
    expect(reservationCacheWrites(request(undefined), INPUT)).toEqual({});
    expect(reservationCacheWrites(request({ type: 'ephemeral' }), INPUT)).toEqual({ cacheWriteTokens: INPUT });
    expect(reservationCacheWrites(request({ type: 'ephemeral', ttl: '1h' }), INPUT)).toEqual({ cacheWriteTokens: INPUT, cacheWrite1hTokens: INPUT });
    // A mark on a tool, on a message part, or on a tool result's part.
    expect(reservationCacheWrites({ tools: [{ name: 'search', input_schema: {}, cache_control: { type: 'ephemeral' } }], messages: [] }, 10)).toEqual({ cacheWriteTokens: 10 });
    const toolResult = { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok', cache_control: { type: 'ephemeral', ttl: '1h' } }] }] }] };
    expect(reservationCacheWrites(toolResult, 10)).toEqual({ cacheWriteTokens: 10, cacheWrite1hTokens: 10 });
  });
});

describe('what a cached request reserves', () => {
  let t: TempDb | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  function reserve(body: Json): number {
    t = tempDb();
    const p = policy({ budgets: [{ name: 'daily', period: 'day', usd: 1_000, action: 'block' }] });
    const governor = new Governor(t.open(), () => p, manualClock().now);
    try {
      const r = governor.admit({ identity: { keyFingerprint: 'tg_cache' }, provider: 'anthropic', model: MODEL, inputTokens: INPUT, maxOutputTokens: OUTPUT, ...reservationCacheWrites(body, INPUT) });
      return r.reservedUsd ?? 0;
    } finally {
      governor.close();
    }
  }

  it('a 1-hour cache mark: what the first call of the prompt bills', () => {
    expect(reserve(request({ type: 'ephemeral', ttl: '1h' }))).toBeCloseTo(firstCallBill(true), 9);
  });

  it('a 5-minute cache mark', () => {
    expect(reserve(request({ type: 'ephemeral' }))).toBeCloseTo(firstCallBill(false), 9);
  });

  it('no mark: the input rate', () => {
    expect(reserve(request(undefined))).toBeCloseTo(calcPrice({ input_tokens: INPUT, output_tokens: OUTPUT }, MODEL, { providerId: 'anthropic' })!.total_price, 9);
  });
});
