/**
 * Anthropic answers 529 `overloaded_error` when it is overloaded. LiteLLM maps that answer (status 529,
 * or "overloaded_error" in the text) to `InternalServerError`, the class a 500 maps to
 * (`_map_anthropic_exception`, litellm/litellm_core_utils/exception_mapping_utils.py), so its retry
 * policy retries a 529 exactly when `InternalServerErrorRetries` is set. Tollgate retries only the statuses
 * in `retries.retryOn`, whose default has no 529: the export must say where the two differ, and must not
 * call 529 unretryable on LiteLLM.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function exported(retries: string): { internalRetries: number; said: string[] } {
  const text = `providers:\n  anthropic: {}\n${retries}`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'litellm', { file: 'policy.yaml', text });
  const config = parse(out.files.find((f) => f.path === 'config.yaml')?.content ?? '') as { router_settings: { retry_policy: { InternalServerErrorRetries: number } } };
  return { internalRetries: config.router_settings.retry_policy.InternalServerErrorRetries, said: out.warnings.filter((w) => w.field === 'retries.retryOn').map((w) => w.message) };
}

const about529 = (said: string[]): string[] => said.filter((m) => m.includes('529'));

describe("LiteLLM and Anthropic's 529 overloaded_error", () => {
  it('the default retryOn (no 529): LiteLLM retries 529 with 500, and the export says so', () => {
    const { internalRetries, said } = exported('');
    expect(internalRetries).toBeGreaterThan(0);
    expect(about529(said)).toEqual([expect.stringContaining("retries Anthropic's 529 overloaded_error as an InternalServerError")]);
  });

  it('529 listed with 500: both are retried on LiteLLM, nothing to warn, and 529 is not called unretryable', () => {
    const { internalRetries, said } = exported('retries:\n  retryOn: [429, 500, 502, 503, 504, 529, connect, timeout]\n');
    expect(internalRetries).toBeGreaterThan(0);
    expect(about529(said)).toEqual([]);
  });

  it('529 listed without 500: LiteLLM cannot retry it alone, and the export says why', () => {
    const { internalRetries, said } = exported('retries:\n  retryOn: [429, 529, connect, timeout]\n');
    expect(internalRetries).toBe(0);
    expect(about529(said)).toEqual([expect.stringContaining('529 is not retried')]);
  });
});
