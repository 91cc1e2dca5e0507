/**
 * An upstream error answer is relayed from its first MiB. A gateway's error page that does not end
 * (or a huge one) was read to its end first, the rest thrown away: the call waited for bytes it
 * never used, for as long as they kept coming.
 */
import { afterAll, expect, it } from 'vitest';
import { startHarness } from '../support/harness';
import { rawUpstream } from '../support/rawUpstream';
import { until } from './support';

const TOTAL = 64 * 1024 * 1024;
let written = 0;
let finished: boolean | undefined;
const up = await rawUpstream((_req, res) => {
  res.writeHead(500, { 'content-type': 'text/html' });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const pump = (): void => {
    while (written < TOTAL) {
      written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => (finished = res.writableFinished));
  pump();
});
const h = await startHarness({ retries: { attempts: 0 } }, { openai: { baseUrl: `${up.origin}/v1` } });
afterAll(async () => {
  await h.close();
  await up.close();
});

it('an endless HTML error body is answered 502 from its first MiB, and its upstream connection closed', async () => {
  const res = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-endless' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(502);
  await res.text();
  await until(() => finished !== undefined);
  expect(finished).toBe(false);
  expect(written).toBeLessThan(TOTAL);
});
