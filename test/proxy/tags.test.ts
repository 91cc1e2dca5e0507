/**
 * Request tags (team / feature / user) decide which budgets apply, so a tag the client sent must
 * either be kept or refused with a reason; before, a value outside a narrow ASCII set was dropped
 * and the call ran untagged, outside every budget scoped to its team.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-tags', maxRetries: 0 });
});
afterAll(async () => h.close());

const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });
const lastRow = () => h.proxy.services.ledger.page({}, 1).calls[0]!;

describe('request tags', () => {
  it('keeps tags in any script and e-mail style users with "+"', async () => {
    await client.chat.completions.create({ ...ask('tag me'), user: 'ana+billing@example.com', metadata: { team: 'équipe données', feature: '検索' } });
    const row = lastRow();
    expect([row.tags.team, row.tags.feature, row.tags.user]).toEqual(['équipe données', '検索', 'ana+billing@example.com']);
  });

  it('refuses a tag header whose value is not a tag, naming the header, without calling the upstream', async () => {
    const before = h.upstream.calls();
    for (const value of ['x'.repeat(200), 'search"; drop', '<b>ops</b>']) {
      const err = await client.chat.completions.create(ask('bad tag'), { headers: { 'x-tollgate-team': value } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).message).toMatch(/x-tollgate-team must be letters, digits/);
    }
    expect(h.upstream.calls()).toBe(before);
  });

  it('an empty tag header counts as not sent', async () => {
    await client.chat.completions.create(ask('empty tag'), { headers: { 'x-tollgate-feature': '  ' } });
    expect(lastRow().tags.feature ?? null).toBeNull();
  });
});

describe('non-ASCII tag headers', () => {
  /** One HTTP/1.1 request written byte for byte on a socket: header values in the given encoding. */
  async function rawPost(headers: Record<string, string>, encoding: 'utf8' | 'latin1'): Promise<number> {
    const { connect } = await import('node:net');
    const url = new URL(`${h.openaiBaseUrl}/chat/completions`);
    const body = Buffer.from(JSON.stringify(ask(`${encoding} tag`)), 'utf8');
    const lines = [`POST ${url.pathname} HTTP/1.1`, `host: ${url.host}`, 'content-type: application/json', 'authorization: Bearer sk-tags', `content-length: ${body.length}`, 'connection: close'];
    const head = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'), ...Object.entries(headers).map(([k, v]) => Buffer.concat([Buffer.from(`${k}: `), Buffer.from(v, encoding), Buffer.from('\r\n')])), Buffer.from('\r\n')]);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write(Buffer.concat([head, body])));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    });
  }

  it('reads UTF-8 header values as UTF-8, as curl sends them (they arrived as mojibake and were refused)', async () => {
    expect(await rawPost({ 'x-tollgate-team': 'søk', 'x-tollgate-feature': '検索' }, 'utf8')).toBe(200);
    const row = lastRow();
    expect([row.tags.team, row.tags.feature]).toEqual(['søk', '検索']);
  });

  it('keeps a latin1 value that is not valid UTF-8 as latin1', async () => {
    expect(await rawPost({ 'x-tollgate-team': 'équipe' }, 'latin1')).toBe(200);
    expect(lastRow().tags.team).toBe('équipe');
  });
});
