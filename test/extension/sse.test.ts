/** The SSE parser and LiveEvents against a real HTTP server sending text/event-stream. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../extension/src/client/sse';
import type { BudgetAlert } from '../../contract/events';
import { LiveEvents } from '../../extension/src/client/liveEvents';
import type { CallRecord } from '../../proxy/src/ledger/types';

describe('SseParser', () => {
  it('assembles events split across arbitrary chunk boundaries, CRLF or LF, multi-line data', () => {
    const stream = ': hello\r\nevent: call\r\ndata: {"a":1}\r\n\r\nevent: budget\ndata: line1\ndata: line2\n\ndata: plain\n\n';
    for (const size of [1, 3, 7, stream.length]) {
      const got: SseEvent[] = [];
      const p = new SseParser();
      for (let i = 0; i < stream.length; i += size) got.push(...p.push(stream.slice(i, i + size)));
      expect(got).toEqual([
        { event: 'call', data: '{"a":1}' },
        { event: 'budget', data: 'line1\nline2' },
        { event: 'message', data: 'plain' },
      ]);
    }
  });
});

describe('LiveEvents', () => {
  let server: Server;
  let url: string;
  const open: ServerResponse[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/tollgate/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        open.push(res);
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const r of open) r.end();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('delivers call and budget events as typed objects, and stops when closed', async () => {
    const calls: CallRecord[] = [];
    const budgets: BudgetAlert[] = [];
    const events = new LiveEvents({ proxyUrl: url });
    events.onCall((c) => calls.push(c));
    events.onBudget((b) => budgets.push(b));
    const close = () => events.dispose();
    while (open.length === 0) await new Promise((r) => setTimeout(r, 10));
    const res = open[0]!;
    res.write(`event: call\ndata: ${JSON.stringify({ id: 7, costUsd: 0.001 })}\n\n`);
    res.write(`event: budget\ndata: ${JSON.stringify({ budget: 'daily', level: 'warn', spentUsd: 4, limitUsd: 5, period: 'day', resetsAt: 1 })}\n\n`);
    res.write('event: call\ndata: not json\n\n');
    while (calls.length < 1 || budgets.length < 1) await new Promise((r) => setTimeout(r, 10));
    expect(calls.map((c) => c.id)).toEqual([7]);
    expect(budgets[0]).toMatchObject({ budget: 'daily', level: 'warn', limitUsd: 5 });
    close();
    await new Promise((r) => res.once('close', r));
  });
});
