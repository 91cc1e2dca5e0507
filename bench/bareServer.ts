/**
 * Ceiling for the exact-hit bench: a bare node:http server that reads the body and answers a fixed
 * chat-completion JSON — what answering from memory costs with no framework and no work. Prints
 * `BARE_SERVER <url>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const answer = JSON.stringify({
  id: 'chatcmpl-bare',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A cached answer of ordinary length for the bench.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
});
const server = createServer(async (req, res) => {
  for await (const _ of req) void _;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(answer);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`BARE_SERVER http://127.0.0.1:${(server.address() as AddressInfo).port}`));
