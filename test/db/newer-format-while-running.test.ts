/**
 * A newer Tollgate (another window after an update, the CLI) migrates the data directory's file to
 * a newer data format while an older proxy runs on it. Two real connections on one file: the
 * proxy's and a second one that raises `user_version`. The running proxy must notice (PRAGMA
 * data_version, then user_version), stop writing, and refuse calls with a provider-style 503 that
 * names the cause — not relay them and write rows with its old assumptions.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../proxy/src/db/open';
import { proxyWithSecondConnection } from './support/secondConnection';

const s = proxyWithSecondConnection({ cache: { enabled: false } });

const ledgerRows = (): number => s.other.prepare('SELECT COUNT(*) FROM calls').pluck().get() as number;

describe('a database migrated to a newer format under a running proxy', () => {
  it('stops relaying and recording calls, answering a 503 that names the cause', async () => {
    const openai = new OpenAI({ baseURL: s.h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    const ask = (i: number) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] });
    await ask(0);
    expect(ledgerRows()).toBe(1);

    // The newer build's migration, on its own connection.
    s.other.pragma(`user_version = ${SCHEMA_VERSION + 1}`);

    // Calls until the proxy has noticed (it checks at most once a second on the request path).
    const outcomes: Array<number | 'ok'> = [];
    let refusal: unknown;
    for (let i = 1; i <= 40 && refusal === undefined; i++) {
      try {
        await ask(i);
        outcomes.push('ok');
      } catch (err) {
        refusal = err;
        outcomes.push((err as { status?: number }).status ?? -1);
      }
      if (refusal === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    const e = refusal as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(503);
    expect(e.message).toMatch(new RegExp(`data format ${SCHEMA_VERSION + 1} by a newer Tollgate`));
    expect(e.headers?.get('x-should-retry')).toBe('false');

    // From then on: nothing reaches the upstream and nothing is written, on either protocol.
    const upstreamCalls = s.h.upstream.calls();
    const rows = ledgerRows();
    await expect(ask(100)).rejects.toMatchObject({ status: 503 });
    const anthropic = new Anthropic({ baseURL: s.h.anthropicBaseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
    const a = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).catch((err: unknown) => err);
    expect(a).toBeInstanceOf(Anthropic.APIError);
    expect((a as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect(((a as InstanceType<typeof Anthropic.APIError>).error as { type?: string }).type).toBe('error');
    expect(s.h.upstream.calls()).toBe(upstreamCalls);
    expect(ledgerRows()).toBe(rows);
    // The proxy's connection refuses writes now (nothing written with the old assumptions).
    expect(() => s.h.proxy.services.db.prepare("INSERT INTO meta (key, value) VALUES ('x', 'y')").run()).toThrow(/readonly|read-only/i);
    // Relayed calls before the check noticed it are at most a second's worth, all recorded.
    expect(outcomes.filter((o) => o === 'ok').length).toBe(rows - 1);
  });

  it('another connection committing without a newer format changes nothing', async () => {
    const openai = new OpenAI({ baseURL: s.h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    s.other.prepare("INSERT INTO meta (key, value) VALUES ('other-process', '1')").run();
    s.other.pragma(`user_version = ${SCHEMA_VERSION}`);
    for (let i = 0; i < 3; i++) {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] });
      await new Promise((r) => setTimeout(r, 600));
    }
    expect(ledgerRows()).toBe(3);
  });
});
