/**
 * OpenRouter streams `reasoning_details` as fragments of the entries its JSON answer has: each
 * chunk a piece of the entry at its `index` (openrouter.ai/docs, Reasoning Tokens). A cached answer
 * must hold those entries, as the non-streamed answer would: one per index and type, its text
 * joined, its signature or encrypted data kept. Before the fix it held one entry per chunk, which a
 * client sending the reasoning back next turn (Anthropic needs the signed thinking whole) could not
 * use. Shapes as OpenRouter sends them for an Anthropic model (`reasoning.text`, the signature on the
 * last fragment) and an OpenAI one (`reasoning.summary` pieces, then a `reasoning.encrypted` entry
 * at the same index, with the item id).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { type CompatibleUpstream, type Flavour, type Json, sse, startCompatibleUpstream } from './compatibleUpstream';

const THINKING = 'The user wants 2+2. Adding gives 4, so the answer is 4.';
const ANSWER = '2 + 2 = 4.';
const SIGNATURE = 'EqQBCkYIBxgCKkBrE1f0/signature==';
const ENCRYPTED = 'gAAAAABpssVXjNGXXo9bBuifshsmRhLcI5eDiRiyZPaAkk==';
const pieces = (text: string): string[] => text.match(/\S+\s*/g) ?? [];

interface Shape {
  model: string;
  /** The `reasoning_details` of the JSON answer. */
  details: Json[];
  /** The same, as the stream's chunks carry them (one list per chunk). */
  fragments: Json[][];
}

const anthropic: Shape = {
  model: 'anthropic/claude-sonnet-4.5',
  details: [{ type: 'reasoning.text', text: THINKING, signature: SIGNATURE, format: 'anthropic-claude-v1', index: 0 }],
  fragments: [
    ...pieces(THINKING).map((w) => [{ type: 'reasoning.text', text: w, signature: null, format: 'anthropic-claude-v1', index: 0 }]),
    [{ type: 'reasoning.text', text: '', signature: SIGNATURE, format: 'anthropic-claude-v1', index: 0 }],
  ],
};

const openai: Shape = {
  model: 'openai/gpt-5',
  details: [
    { type: 'reasoning.summary', summary: THINKING, format: 'openai-responses-v1', index: 0 },
    { type: 'reasoning.encrypted', data: ENCRYPTED, format: 'openai-responses-v1', id: 'rs_062c1b48', index: 0 },
  ],
  fragments: [
    ...pieces(THINKING).map((w) => [{ type: 'reasoning.summary', summary: w, format: 'openai-responses-v1', index: 0 }]),
    [{ type: 'reasoning.encrypted', data: ENCRYPTED, format: 'openai-responses-v1', id: 'rs_062c1b48', index: 0 }],
  ],
};

const SHAPES: Record<string, Shape> = { [anthropic.model]: anthropic, [openai.model]: openai };
const shapeOf = (req: Json): Shape => SHAPES[String(req.model)] ?? anthropic;
const usage = { prompt_tokens: 14, completion_tokens: 40, total_tokens: 54, cost: 0.0006, is_byok: false, completion_tokens_details: { reasoning_tokens: 20 } };

const openrouter: Flavour = {
  json: (req, n) => ({
    id: `gen-${n}`,
    provider: 'Anthropic',
    model: String(req.model),
    object: 'chat.completion',
    created: 1_764_000_000,
    choices: [{ logprobs: null, finish_reason: 'stop', native_finish_reason: 'stop', index: 0, message: { role: 'assistant', content: ANSWER, refusal: null, reasoning: THINKING, reasoning_details: shapeOf(req).details } }],
    usage,
  }),
  stream: (req, n) => {
    const base = { id: `gen-${n}`, provider: 'Anthropic', model: String(req.model), object: 'chat.completion.chunk', created: 1_764_000_000 };
    const chunk = (d: Json, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish, native_finish_reason: finish, logprobs: null }] });
    const reasoning = (f: Json[]) => f.map((x) => String(x.text ?? x.summary ?? '')).join('') || null;
    return `: OPENROUTER PROCESSING\n\n${sse([
      ...shapeOf(req).fragments.map((f) => chunk({ role: 'assistant', content: '', reasoning: reasoning(f), reasoning_details: f })),
      ...pieces(ANSWER).map((w) => chunk({ role: 'assistant', content: w })),
      chunk({ role: 'assistant', content: '' }, 'stop'),
      { ...base, choices: [], usage },
    ])}`;
  },
};

describe("OpenRouter reasoning_details through the cache (real proxy, openai SDK)", () => {
  let up: CompatibleUpstream;
  let h: Harness;

  beforeAll(async () => {
    up = await startCompatibleUpstream(openrouter, '/api/v1');
    h = await startHarness({ retries: { attempts: 0 }, cache: { semantic: { enabled: false } }, providers: { openrouter: { kind: 'openai', baseUrl: up.baseUrl } } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await up?.close();
  });

  const client = () => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-or-test', maxRetries: 0, defaultHeaders: { 'x-tollgate-provider': 'openrouter' } });

  for (const shape of [anthropic, openai]) {
    it(`${shape.model}: a streamed answer replayed as JSON has the entries of the JSON answer`, async () => {
      const c = client();
      const ask = { model: shape.model, messages: [{ role: 'user' as const, content: `what is 2+2? ${shape.model} ${process.pid}` }] };
      const first = await c.chat.completions.create({ ...ask, stream: true }).withResponse();
      let chunks = 0;
      for await (const _ of first.data) chunks += 1;
      expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
      expect(chunks).toBeGreaterThan(shape.fragments.length);

      const cached = await c.chat.completions.create(ask).withResponse();
      expect(cached.response.headers.get('x-tollgate-cache')).toBe('exact');
      const message = cached.data.choices[0]?.message as unknown as Json;
      const direct = openrouter.json({ model: shape.model }, 0);
      const directMessage = ((direct.choices as Json[])[0] as Json).message as Json;
      expect(message.reasoning_details).toEqual(directMessage.reasoning_details);
      expect(message.reasoning).toBe(THINKING);
      expect(message.content).toBe(ANSWER);

      // Replayed as a stream: the same entries, whole, in the replay's delta.
      const again = await c.chat.completions.create({ ...ask, stream: true }).withResponse();
      const details: unknown[] = [];
      for await (const ch of again.data) details.push(...(((ch.choices[0]?.delta as Json | undefined)?.reasoning_details as unknown[] | undefined) ?? []));
      expect(again.response.headers.get('x-tollgate-cache')).toBe('exact');
      expect(details).toEqual(directMessage.reasoning_details);
      expect(up.calls()).toBe(shape === anthropic ? 1 : 2);
    });
  }
});
