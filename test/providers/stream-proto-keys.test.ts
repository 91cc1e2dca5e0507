/**
 * A chat (or Anthropic messages) stream's unknown fields are kept in the assembled answer (what a cache hit replays), as
 * upstream JSON names them. A field named `__proto__` (legal JSON; `JSON.parse` makes it an ordinary
 * key) was assigned as the assembler's prototype instead: the field vanished from the answer.
 */
import { expect, it } from 'vitest';
import { ANTHROPIC_ENDPOINTS } from '../../proxy/src/providers/anthropic';
import { OPENAI_ENDPOINTS } from '../../proxy/src/providers/openai';
import { frameJson, SseParser } from '../../proxy/src/providers/sse';

const chat = OPENAI_ENDPOINTS.find((e) => e.id === 'chat.completions')!;

it('a chunk, choice, delta or tool-call field named __proto__ is kept as a field', () => {
  const base = '"id":"chatcmpl-p","object":"chat.completion.chunk","created":1764489600,"model":"gpt-4o-mini"';
  const chunks = [
    `{${base},"__proto__":{"top":1},"choices":[{"index":0,"__proto__":{"choice":2},"delta":{"role":"assistant","content":"","__proto__":{"delta":3}}}]}`,
    `{${base},"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","__proto__":{"call":4},"function":{"name":"f","arguments":"{}"}}]}}]}`,
    `{${base},"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
  ];
  const wire = `${chunks.map((c) => `data: ${c}\n\n`).join('')}data: [DONE]\n\n`;
  const a = chat.assembler!();
  for (const frame of new SseParser().pushBytes(new TextEncoder().encode(wire))) a.accept(frame, frameJson(frame));
  expect(a.complete).toBe(true);
  type Choice = { message: { tool_calls: object[] } };
  const body = JSON.parse(JSON.stringify(a.result())) as { choices: Choice[] };
  const own = (o: object | undefined) => (o ? Object.getOwnPropertyDescriptor(o, '__proto__')?.value : undefined);
  expect(own(body)).toEqual({ top: 1 });
  expect(own(body.choices[0])).toEqual({ choice: 2 });
  expect(own(body.choices[0]?.message)).toEqual({ delta: 3 });
  expect(own(body.choices[0]?.message.tool_calls[0])).toEqual({ call: 4 });
});

it('an Anthropic message_delta field named __proto__ is kept as a field', () => {
  const messages = ANTHROPIC_ENDPOINTS.find((e) => e.id === 'messages')!;
  const events: Array<[string, string]> = [
    ['message_start', '{"type":"message_start","message":{"id":"msg_p","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":5,"output_tokens":1}}}'],
    ['content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'],
    ['content_block_delta', '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}'],
    ['content_block_stop', '{"type":"content_block_stop","index":0}'],
    ['message_delta', '{"type":"message_delta","delta":{"stop_reason":"end_turn","__proto__":{"delta":2}},"usage":{"output_tokens":2}}'],
    ['message_stop', '{"type":"message_stop"}'],
  ];
  const wire = events.map(([e, d]) => `event: ${e}\ndata: ${d}\n\n`).join('');
  const a = messages.assembler!();
  for (const frame of new SseParser().pushBytes(new TextEncoder().encode(wire))) a.accept(frame, frameJson(frame));
  expect(a.complete).toBe(true);
  const body = JSON.parse(JSON.stringify(a.result())) as { content: unknown[]; stop_reason: string };
  expect(Object.getOwnPropertyDescriptor(body, '__proto__')?.value).toEqual({ delta: 2 });
  expect([body.stop_reason, body.content]).toEqual(['end_turn', [{ type: 'text', text: 'hi' }]]);
});
