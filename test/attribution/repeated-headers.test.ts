/**
 * A tag header sent twice (a gateway adding `x-tollgate-team` in front of an app that sends its own):
 * Node joins the two into "A, B", a valid tag naming no team, so the call escaped team A's budget.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ budgets: [{ name: 'search-day', scope: { team: 'search' }, period: 'day', usd: 100 }] });
});
afterAll(async () => h.close());

/** One HTTP/1.1 request written byte for byte, so a header can be repeated as a gateway would. */
function rawPost(headers: Array<[string, string]>, content: string): Promise<{ status: number; body: string }> {
  const url = new URL(`${h.openaiBaseUrl}/chat/completions`);
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
  const head = [`POST ${url.pathname} HTTP/1.1`, `host: ${url.host}`, 'content-type: application/json', 'authorization: Bearer sk-repeat', `content-length: ${Buffer.byteLength(body)}`, 'connection: close', ...headers.map(([k, v]) => `${k}: ${v}`)];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(`${head.join('\r\n')}\r\n\r\n${body}`));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
  });
}

const lastRow = () => h.proxy.services.ledger.page({}, 1).calls[0]!;

describe('a tag header sent more than once', () => {
  it('with the same value counts once: the call is the team’s, and its budget is charged', async () => {
    const res = await rawPost([['x-tollgate-team', 'search'], ['x-tollgate-team', 'search']], 'same team twice');
    expect(res.status).toBe(200);
    const row = lastRow();
    expect(row.tags.team).toBe('search');
    const budgets = (await (await fetch(`${h.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as Array<{ name: string; spentUsd: number }>;
    expect(budgets.find((b) => b.name === 'search-day')!.spentUsd).toBeCloseTo(row.costUsd, 12);
  });

  it('with different values is refused with a 400 naming the header, and the upstream is not called', async () => {
    const calls = h.upstream.calls();
    const res = await rawPost([['x-tollgate-team', 'search'], ['x-tollgate-team', 'ads']], 'two teams');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/x-tollgate-team was sent 2 times with different values/);
    expect(h.upstream.calls()).toBe(calls);
    expect(lastRow().tags.team).not.toBe('search, ads');
  });

  it('an empty repeat (an unset template variable) does not count', async () => {
    const res = await rawPost([['x-tollgate-feature', ''], ['x-tollgate-feature', 'chat']], 'empty repeat');
    expect(res.status).toBe(200);
    expect(lastRow().tags.feature).toBe('chat');
  });
});
