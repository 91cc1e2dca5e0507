/**
 * Tollgate asks a streamed chat call for its usage (`stream_options.include_usage`) so the ledger
 * has real counts. Mistral's API streams its usage unasked and refuses the field with 422 "Extra
 * inputs are not permitted", so a request to it must go as the client sent it; every other
 * upstream is asked.
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../../proxy/src/providers';

const spec = (id: string) => ENDPOINTS.find((e) => e.id === id)!;

describe('asking a stream for its usage, per upstream', () => {
  for (const id of ['chat.completions', 'completions']) {
    it(`${id}: Mistral's API gets the request as the client sent it`, () => {
      for (const baseUrl of ['https://api.mistral.ai/v1', 'https://codestral.mistral.ai/v1']) {
        const body = { model: 'mistral-small-latest', stream: true, messages: [] };
        expect(spec(id).requestUsageInStream!(body, baseUrl)).toBe(false);
        expect(body).not.toHaveProperty('stream_options');
      }
    });

    it(`${id}: other upstreams are asked for usage, keeping the client's other stream options`, () => {
      for (const baseUrl of ['https://api.openai.com/v1', 'https://api.groq.com/openai/v1', 'http://localhost:11434/v1', undefined]) {
        const body: Record<string, unknown> = { model: 'm', stream: true, stream_options: { include_obfuscation: false } };
        expect(spec(id).requestUsageInStream!(body, baseUrl)).toBe(true);
        expect(body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
      }
    });
  }
});
