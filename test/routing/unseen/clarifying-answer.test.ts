/**
 * A user turn that answers the assistant's question is the rest of the earlier task, not a new ask.
 * Judged alone, "by second" (after "Should proration be by day or by second?") sent a hard refactor
 * to the small tier on every protocol, with either router.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { chatTexts } from '../../../proxy/src/pipeline/governanceStages';
import type { Json } from '../../../proxy/src/providers/types';
import { askText } from '../../../proxy/src/routing/features';
import { routeBody as route, routingProxy } from '../support/routeSetup';
const TASKS: Array<{ task: string; question: string; answer: string }> = [
  {
    task: 'Refactor our billing module to support proration across plan changes without double-charging, preserving the current invoice numbering invariants.',
    question: 'Should proration be by day or by second?',
    answer: 'by second',
  },
  {
    task: 'Design a multi-region event store for a payments ledger with exactly-once processing that survives the loss of a region without losing acknowledged writes. Justify the trade-offs.',
    question: 'Before I propose a design: which database and message broker are you on today, and what write volume?',
    answer: 'Postgres 15 and Kafka, about 3k writes/s',
  },
  {
    task: 'Prove that every group of order p^2, p prime, is abelian, step by step.',
    question: 'Sure. Would you like the proof via the class equation?\nOr via the centre being non-trivial?',
    answer: 'class equation please',
  },
];

const openai = (turns: string[]): Json => ({ model: 'auto', messages: turns.map((t, i) => ({ role: i % 2 ? 'assistant' : 'user', content: t })) });
const anthropic = (turns: string[]): Json => ({
  model: 'auto',
  system: [{ type: 'text', text: 'You are a senior engineer.' }],
  messages: turns.map((t, i) => ({ role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: t }] })),
});
const responses = (turns: string[]): Json => ({
  model: 'auto',
  instructions: 'You are a senior engineer.',
  input: turns.map((t, i) => (i % 2 ? { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: t }] } : { role: 'user', content: t })),
});

describe('routing an answer to the assistant’s question', () => {
  for (const router of ['learned', 'score'] as const) {
    for (const { task, question, answer } of TASKS) {
      it(`${router}: "${answer}" keeps the tier of the task it answers`, () => {
        const alone = route(router, 'openai', openai([task]));
        expect(alone.tier).not.toBe('small');
        for (const [provider, body] of [
          ['openai', openai([task, question, answer])],
          ['anthropic', anthropic([task, question, answer])],
          ['openai', responses([task, question, answer])],
        ] as const) {
          const d = route(router, provider, body);
          expect(d.tier, `${provider} ${JSON.stringify(body).slice(0, 60)}`).not.toBe('small');
        }
      });
    }
  }

  it('reads the task and the answer (and a chain of questions) as the ask', () => {
    const m = chatTexts(openai(['Plan the migration of our 2 TB MySQL table to utf8mb4.', 'Which MySQL version?', '8.0', 'Can you take downtime?', 'no']));
    expect(askText(m)).toBe('Plan the migration of our 2 TB MySQL table to utf8mb4.\n\n8.0\n\nno');
  });

  it('a thank-you after an answer is still its own (small) ask, and a new request after a statement is not merged', () => {
    const { task } = TASKS[0]!;
    const thanks = openai([task, 'Here is the refactor: … (code). Proration is computed per second.', 'thanks, that works!']);
    expect(askText(chatTexts(thanks))).toBe('thanks, that works!');
    for (const router of ['learned', 'score'] as const) expect(route(router, 'openai', thanks).tier).toBe('small');
    const next = openai(['hi', 'Hello.', 'What is the capital of Peru?']);
    expect(askText(chatTexts(next))).toBe('What is the capital of Peru?');
  });

  it('a tool call between the question and the answer does not hide the question', () => {
    const body: Json = {
      model: 'auto',
      messages: [
        { role: 'user', content: TASKS[0]!.task },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'billing.ts: 900 lines' },
        { role: 'assistant', content: 'I read billing.ts. Should proration be by day or by second?' },
        { role: 'user', content: 'by second' },
      ],
    };
    expect(askText(chatTexts(body))).toBe(`${TASKS[0]!.task}\n\nby second`);
  });

  describe('through the proxy with the OpenAI SDK', () => {
    const proxy = routingProxy('score');

    it('the answer is routed with its task, and the route header says so by its tier', async () => {
      const client = new OpenAI({ baseURL: proxy().openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      const { task, question, answer } = TASKS[1]!;
      const { response } = await client.chat.completions
        .create({ model: 'auto', messages: openai([task, question, answer]).messages as OpenAI.ChatCompletionMessageParam[] })
        .withResponse();
      expect(response.headers.get('x-tollgate-route')).not.toMatch(/^small; /);
    });
  });
});
