/**
 * The numbers a policy controls that a cloned repository could set out of any real use. A request
 * body is held in memory whole: `server.maxBodyBytes` stops at 512 MiB, the largest upload a
 * provider documents (OpenAI's files). Node fires a timer set above 2^31 − 1 ms after 1 ms, so a
 * "never time out" of 30 days timed every embedding, verification and retry wait out at once.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { policyJsonSchema } from '../../proxy/src/policy/schema';

const MIB = 1024 * 1024;
const TIMER_MAX = 2 ** 31 - 1;
const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

/** YAML setting one value, at the path the problem must name. */
const TIMERS: Array<[string, (v: number) => string]> = [
  ['providers.openai.timeoutMs', (v) => `providers:\n  openai:\n    timeoutMs: ${v}\n`],
  ['providers.openai.idleTimeoutMs', (v) => `providers:\n  openai:\n    idleTimeoutMs: ${v}\n`],
  ['cache.semantic.embedTimeoutMs', (v) => `cache:\n  semantic:\n    embedTimeoutMs: ${v}\n`],
  ['cache.semantic.verify.timeoutMs', (v) => `cache:\n  semantic:\n    verify: { timeoutMs: ${v} }\n`],
  ['routing.flex.0.timeoutMs', (v) => `routing:\n  flex:\n    - { name: evals, timeoutMs: ${v} }\n`],
  ['retries.backoffMs', (v) => `retries:\n  backoffMs: ${v}\n`],
  ['retries.maxBackoffMs', (v) => `retries:\n  maxBackoffMs: ${v}\n`],
];

const problemsOf = (text: string) => {
  const r = parsePolicy(text);
  return r.ok ? [] : r.problems.map((p) => [p.path, p.message]);
};

describe('numbers a policy controls have a ceiling', () => {
  it('server.maxBodyBytes: up to 512 MiB (a 200 MB batch file fits), refused above with the reason', () => {
    expect(problemsOf(`server:\n  maxBodyBytes: ${200 * 1000 * 1000}\n`)).toEqual([]);
    expect(problemsOf(`server:\n  maxBodyBytes: ${512 * MIB}\n`)).toEqual([]);
    for (const v of [512 * MIB + 1, 64 * 1024 * MIB, Number.MAX_SAFE_INTEGER])
      expect(problemsOf(`server:\n  maxBodyBytes: ${v}\n`)).toEqual([['server.maxBodyBytes', expect.stringMatching(/^at most 536870912 \(512 MiB.*held in memory/)]]);
  });

  it.each(TIMERS)('%s: a timer Node can keep is taken, 30 days is refused', (path, yaml) => {
    expect(problemsOf(yaml(TIMER_MAX))).toEqual([]);
    for (const v of [TIMER_MAX + 1, THIRTY_DAYS_MS]) expect(problemsOf(yaml(v))).toEqual([[path, expect.stringMatching(/^at most 2147483647 ms \(24\.8 days\)/)]]);
  });

  it('the JSON Schema an editor validates with carries the same ceilings', () => {
    const props = (policyJsonSchema().properties ?? {}) as Record<string, { properties: Record<string, { maximum?: number }> }>;
    expect(props.server!.properties.maxBodyBytes!.maximum).toBe(512 * MIB);
    expect(props.retries!.properties.maxBackoffMs!.maximum).toBe(TIMER_MAX);
  });
});
