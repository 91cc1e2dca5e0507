/**
 * `tollgate cache stats` prints the model names cached answers were stored under, and those come
 * from clients' request bodies: an upstream that answers any name (a local OpenAI-compatible
 * server, a gateway) lets `\x1b[2J` or a newline into the cache. Printed raw, they clear the
 * user's terminal, retitle it, or forge output lines a script reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness';
import { runCli } from './cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-stats-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('cache stats with client-chosen model names', () => {
  it('shows control characters escaped, one line per cached model', async () => {
    const hostile = 'gpt-4o-mini\u001b[2J\u001b]0;owned\u0007\nFAKE 999 entries\u202e';
    const h = await startHarness({}, { dataDir });
    try {
      const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      await client.chat.completions.create({ model: hostile, messages: [{ role: 'user', content: 'hello' }] });
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    } finally {
      await h.close();
    }
    const r = await runCli(['cache', 'stats', '--data-dir', dataDir], { cwd: dataDir, env: { HOME: dataDir } });
    expect(r.code).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character but the line feeds may be printed
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    const lines = r.stdout.trimEnd().split('\n');
    // The header and one line per cached model: the newline in the name did not add one.
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('FAKE'))).toContain('gpt-4o-mini\\u001b[2J\\u001b]0;owned\\u0007\\u000aFAKE 999 entries\\u202e');
  }, 60_000);
});
