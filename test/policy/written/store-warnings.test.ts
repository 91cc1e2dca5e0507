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
