/**
 * LiteLLM's retry_policy counts retries per exception class, and LiteLLM picks the class from the
 * upstream's status (BerriAI/litellm litellm/litellm_core_utils/exception_mapping_utils.py @ 002b24d,
 * `_map_openai_exception` and `_map_anthropic_exception`): 429 RateLimitError, 500 (and Anthropic's 529)
 * InternalServerError, 502 BadGatewayError, 503 ServiceUnavailableError, 408 and 504 Timeout — the class
 * of its own timeouts too. BadGatewayError and APIConnectionError (no answer) have no RetryPolicy field
 * (litellm/types/router.py), so the router retries them num_retries times. The export mapped 504 to
 * InternalServerErrorRetries, so `retryOn: [429, 504, connect]` exported a LiteLLM that never retried
 * a 504. Here the exported config is run through that mapping for every status Tollgate can list.
 *
 * Which fields the router reads depends on the release: get_num_retries_from_retry_policy in
 * litellm/router_utils/get_retry_from_policy.py @ 51dc44e and @ 00cd2a4 reads only the Authentication,
 * Timeout, RateLimit, ContentPolicyViolation, BadRequest (and NotFound) fields, so there an
 * InternalServerError or ServiceUnavailableError gets num_retries whatever InternalServerErrorRetries and
 * ServiceUnavailableErrorRetries say; later releases read both. The config is run through each.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { ConfigYAML } from './litellmSchema';

const CLASS_FIELD: Record<string, string | undefined> = {
  '429': 'RateLimitErrorRetries',
  '500': 'InternalServerErrorRetries',
  '529': 'InternalServerErrorRetries', // Anthropic's overloaded_error
  '502': undefined, // BadGatewayError
  '503': 'ServiceUnavailableErrorRetries',
  '504': 'TimeoutErrorRetries',
  '408': 'TimeoutErrorRetries',
  timeout: 'TimeoutErrorRetries',
  connect: undefined, // APIConnectionError
};

const RELEASES: Record<string, (field: string) => boolean> = {
  'reads every field': () => true,
  'reads no InternalServerErrorRetries or ServiceUnavailableErrorRetries (@ 00cd2a4)': (field) => !['InternalServerErrorRetries', 'ServiceUnavailableErrorRetries'].includes(field),
};

function exported(retryOn: string, reads: (field: string) => boolean): { litellmRetries: (status: string) => number; said: string } {
  // An Anthropic provider, so that what LiteLLM does with its 529 is said whatever retryOn is.
  const text = `providers:\n  anthropic: {}\nretries:\n  attempts: 3\n  retryOn: ${retryOn}\n`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'litellm', { file: 'policy.yaml', text });
  const config = ConfigYAML.parse(parse(out.files.find((f) => f.path === 'config.yaml')?.content ?? ''));
  const router = config.router_settings as { num_retries: number; retry_policy: Record<string, number | null | undefined> };
  return {
    // Router.get_num_retries_from_retry_policy: the class's field when set, else num_retries.
    litellmRetries: (status) => {
      const field = CLASS_FIELD[status];
      return (field === undefined || !reads(field) ? undefined : router.retry_policy[field]) ?? router.num_retries;
    },
    said: out.warnings.filter((w) => w.field === 'retries.retryOn').map((w) => w.message).join('\n'),
  };
}

describe('LiteLLM retry_policy follows the class LiteLLM gives each status', () => {
  for (const [release, reads] of Object.entries(RELEASES))
  for (const retryOn of ['[429, 504, connect]', '[429, 500, 502, 503, connect, timeout]', '[504, timeout, connect]', '[429, 500, 502, 503, 504, connect, timeout]', '[408, connect]', '[429, 502, 503, 504, connect, timeout]'])
    it(`a release that ${release}, retryOn ${retryOn}: every listed status is retried, and every other one LiteLLM retries is warned`, () => {
      const { litellmRetries, said } = exported(retryOn, reads);
      const listed = new Set((parse(retryOn) as Array<number | string>).map(String));
      for (const status of Object.keys(CLASS_FIELD)) {
        if (listed.has(status)) expect(litellmRetries(status), status).toBe(3);
        // An upstream 408 is rare; like Anthropic's 529, it is not said on every export that leaves it out.
        else if (litellmRetries(status) > 0 && status !== '408') expect(said, status).toContain(status);
      }
      // 504 is a Timeout there, never an InternalServerError.
      expect(said).not.toMatch(/504[^.;]*InternalServerError|InternalServerError[^.;]*504/);
    });
});
