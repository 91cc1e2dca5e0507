import { describe, expect, it } from 'vitest';
import { SseParser } from '../../extension/src/client/sse';

describe('SseParser', () => {
  const stream = ': tollgate live events\n\nevent: call\ndata: {"id":1}\n\nevent: budget\r\ndata: {"a":\r\ndata: 2}\r\n\r\n: keep-alive\n\ndata: plain\n\n';

  it('yields named events, joins multi-line data, skips comments', () => {
    const events = new SseParser().push(stream);
    expect(events).toEqual([
      { event: 'call', data: '{"id":1}' },
      { event: 'budget', data: '{"a":\n2}' },
      { event: 'message', data: 'plain' },
    ]);
  });

  it('gives the same events however the bytes are split', () => {
    const whole = new SseParser().push(stream);
    for (const size of [1, 2, 3, 7, 16]) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < stream.length; i += size) got.push(...p.push(stream.slice(i, i + size)));
      expect(got).toEqual(whole);
    }
  });
});
