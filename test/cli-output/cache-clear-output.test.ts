/**
 * `tollgate cache clear` as a script reads it: its result is the one line on stdout
 * (`removed=$(tollgate cache clear)`); the hint about `cache.version` is for the person at the
 * terminal and goes to stderr, where it cannot become part of the captured value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness';
import { runCli } from './cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-clear-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('cache clear output', () => {
  it('prints the count alone on stdout and the hint on stderr', async () => {
    const h = await startHarness({}, { dataDir });
    try {
      const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      for (const content of ['hello', 'what is DNS?']) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    } finally {
      await h.close();
    }
    const r = await runCli(['cache', 'clear', '--data-dir', dataDir], { cwd: dataDir, env: { HOME: dataDir } });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^removed 2 cached answer\(s\)/)]);
    expect(r.stderr).toMatch(/cache\.version/);
  }, 60_000);
});
