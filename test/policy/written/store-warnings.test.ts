/**
 * The policy store keeps the warnings of the policy it applies (at their lines), on open and on
 * every reload, so the proxy can log them: before, only `tollgate policy validate` computed them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PolicyStore } from '../../../proxy/src/policy/store';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-store-warnings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PolicyStore warnings', () => {
  it('are located on open, replaced on reload, and cleared when the file is fixed', () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, ['version: 1', 'routing:', '  tiers:', '    openai: { small: gpt4o-mini }', ''].join('\n'));
    const store = PolicyStore.open(file, { env: {} });
    expect(store.warnings).toEqual([expect.objectContaining({ file, line: 4, path: 'routing.tiers.openai.small', message: expect.stringContaining('did you mean "gpt-4o-mini"') })]);

    writeFileSync(file, ['version: 1', '', 'routing:', '  tiers:', '    openai: { large: gpt-4o, small: claude-3.5-sonet }', ''].join('\n'));
    expect(store.reload()).toBe(true);
    expect(store.warnings.map((w) => [w.line, w.path])).toEqual([[5, 'routing.tiers.openai.small']]);

    writeFileSync(file, ['version: 1', 'routing:', '  tiers:', '    openai: { small: gpt-4o-mini }', ''].join('\n'));
    expect(store.reload()).toBe(true);
    expect(store.warnings).toEqual([]);
    store.close();
  });
});

describe('tier and rule models of the other public API', () => {
  // genai-prices prices gpt-4o-mini whichever provider asks, so the name check passed it: the
  // anthropic tiers sent an OpenAI model to Anthropic, refused on every routed call.
  it('are warned at their line, naming the API that serves them', async () => {
    const { parsePolicy } = await import('../../../proxy/src/policy/load');
    const { locatedWarnings } = await import('../../../proxy/src/policy/warnings');
    const text = ['routing:', '  tiers:', '    anthropic: { small: gpt-4o-mini, large: claude-opus-4-1 }', '    openai: { small: gpt-4o-mini-2024-07-18, large: claude-3-5-haiku-latest }', ''].join('\n');
    const r = parsePolicy(text, 'p.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const found = locatedWarnings(r.policy, text, 'p.yaml');
    expect(found.map((w) => [w.line, w.path])).toEqual([
      [3, 'routing.tiers.anthropic.small'],
      [4, 'routing.tiers.openai.large'],
    ]);
    expect(found[0]!.message).toMatch(/"gpt-4o-mini" is not an Anthropic model/);
    expect(found[1]!.message).toMatch(/"claude-3-5-haiku-latest" is not an OpenAI model/);
  });
});

describe('the proxy logs policy warnings', () => {
  it('at start and after a reload, at their line', async () => {
    const { startProxy } = await import('../../../proxy/src/server/start');
    const file = join(dir, 'proxy-policy.yaml');
    writeFileSync(file, ['version: 1', 'routing:', '  tiers:', '    openai: { small: gpt4o-mini }', ''].join('\n'));
    const warnings: string[] = [];
    const log = { info() {}, warn: (l: string) => warnings.push(l), error() {} };
    const proxy = await startProxy({ port: 0, dataDir: join(dir, 'data'), policyFile: file, env: {}, log });
    try {
      expect(warnings).toContainEqual(expect.stringMatching(/^policy warning: .*proxy-policy\.yaml:4:\d+: routing\.tiers\.openai\.small: "gpt4o-mini".*did you mean "gpt-4o-mini"/));
      warnings.length = 0;
      writeFileSync(file, ['version: 1', 'routing:', '  tiers:', '    openai: { large: gpt-4o, small: gpt-4o-mnii }', ''].join('\n'));
      await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toMatch(/policy warning: .*proxy-policy\.yaml:4:\d+: routing\.tiers\.openai\.small: "gpt-4o-mnii"/);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});

describe('an invalid edit', () => {
  it('is logged as not applied, saying the last good policy stays in force', async () => {
    const { startProxy } = await import('../../../proxy/src/server/start');
    const file = join(dir, 'invalid-edit.yaml');
    writeFileSync(file, 'version: 1\n');
    const warnings: string[] = [];
    const proxy = await startProxy({ port: 0, dataDir: join(dir, 'data-invalid'), policyFile: file, env: {}, log: { info() {}, warn: (l: string) => warnings.push(l), error() {} } });
    try {
      writeFileSync(file, 'version: 1\nbudgets: 5\n');
      await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toMatch(/^policy not applied, the last good one stays in force: .*invalid-edit\.yaml:2:\d+: budgets: /m);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
