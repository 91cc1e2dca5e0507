/**
 * A Responses agent loop run with `store: false` sends each turn's reasoning back as an item whose
 * `encrypted_content` is the reasoning sealed as base64 ciphertext. Read as text, o200k makes about
 * 0.68 tokens of each of its characters, several times the reasoning it stands for, so a loop that
 * fits a TPM limit was refused by it. It is reserved as the reasoning it decodes to (OpenAI's Codex
 * estimates it the same way); the rate limit's refusal is the observable.
 */
import { randomBytes } from 'node:crypto';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../../proxy/src/pipeline/cost';
import { proxyOverUpstream, type Json } from './openaiUpstream';

const MODEL = 'gpt-5-mini';
const answer: Json = {
  id: 'resp_0c1d2e3f',
  object: 'response',
  created_at: 1_764_600_000,
  status: 'completed',
  output: [{ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [], logprobs: [] }] }],
  // Small billed usage: the first call's settlement leaves the TPM window nearly empty.
  usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 35 },
};
const t = proxyOverUpstream({ Continue: { body: answer } }, 'sk-proj-sealed', { rateLimits: [{ name: 'loop-tpm', tpm: 12_000 }] });

/** What OpenAI returns for a reasoning step: a Fernet token (`gAAAAA…`) of 9,000 bytes, base64, 12,000 characters. */
const sealed = () => `gAAAAA${randomBytes(8_996).toString('base64')}`.slice(0, 12_000);

/** Four tool-loop steps, each a reasoning item, a function call and its output. */
function loop(tag: string): OpenAI.Responses.ResponseInput {
  const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: `Continue ${tag} ${process.pid}` }];
  for (let i = 0; i < 4; i++) {
    input.push({ type: 'reasoning', id: `rs_${tag}${i}`, summary: [], encrypted_content: sealed() });
    input.push({ type: 'function_call', call_id: `call_${i}`, name: 'lookup', arguments: `{"step":${i}}` });
    input.push({ type: 'function_call_output', call_id: `call_${i}`, output: 'found' });
  }
  return input;
}

describe('encrypted reasoning sent back', () => {
  it('a loop carrying 48k characters of sealed reasoning fits a 12k TPM limit (reserved as ~8k tokens, not ~33k)', async () => {
    const ask = (tag: string) =>
      t.client.responses
        .create({ model: MODEL, store: false, include: ['reasoning.encrypted_content'], max_output_tokens: 100, input: loop(tag) })
        .then(() => 200)
        .catch((e: unknown) => (e as { status?: number }).status ?? e);
    // The first call may be reserved at the byte bound while the worker builds o200k; the second is counted.
    await ask('warm');
    const before = t.up.requests.length;
    expect(await ask('counted')).toBe(200);
    expect(t.up.requests.length).toBe(before + 1);
  });

  it('each item is estimated from its decoded size, the rest of the item read as text', () => {
    const parts = inputParts({ model: MODEL, input: [{ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Looked it up.' }], encrypted_content: sealed() }] });
    // 12,000 characters decode to 9,000 bytes; less the 650-byte envelope, at 4 bytes a token.
    expect(parts.idTokens).toBe(Math.ceil((9_000 - 650) / 4));
    expect(parts.texts.join('')).not.toContain('gAAAAA');
    expect(parts.texts.join('')).toContain('Looked it up.');
  });
});
