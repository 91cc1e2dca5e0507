/**
 * The approval prompt for a host a workspace policy sends keys to. The proxy holds a provider's own
 * host when the policy reaches it over plain http (`http://api.openai.com/v1`); the prompt must say
 * so, or a user who knows the host would click Allow and send the key unencrypted.
 */
import { describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ messages: [] as string[] }));
vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode, record } = createVscodeStub({});
  seen.messages = record.messages;
  return vscode;
});

const { HostApprovals } = await import('../../extension/src/proxy/trust');

function memento(): { get<T>(k: string, d: T): T; update(k: string, v: unknown): Promise<void> } {
  const m = new Map<string, unknown>();
  return { get: <T>(k: string, d: T) => (m.has(k) ? (m.get(k) as T) : d), update: async (k, v) => void m.set(k, v) };
}

describe('host approval prompt', () => {
  it('says when the keys would travel over plain http, and not for https', async () => {
    const approvals = new HostApprovals({ globalState: memento(), workspaceState: memento() } as unknown as ConstructorParameters<typeof HostApprovals>[0]);
    await approvals.review([
      { provider: 'openai', host: 'api.openai.com', apiKeyEnv: 'OPENAI_API_KEY', baseUrl: 'http://api.openai.com/v1' },
      { provider: 'gw', host: 'gw.example.com', apiKeyEnv: 'GW_API_KEY', baseUrl: 'https://gw.example.com/v1' },
    ]);
    expect(seen.messages).toHaveLength(2);
    expect(seen.messages[0]).toMatch(/api\.openai\.com over plain http \(unencrypted/);
    expect(seen.messages[1]).toContain('gw.example.com');
    expect(seen.messages[1]).not.toMatch(/plain http/);
  });
});
