/**
 * An Azure OpenAI resource takes its key in the `api-key` header; a provider at an Azure host without
 * `authHeader` sent the proxy's environment key as a Bearer token, which Azure refuses with a 401.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema, resolveProviders } from '../../../proxy/src/policy/schema';

const resolved = (providers: Record<string, Record<string, unknown>>) => resolveProviders(PolicySchema.parse({ providers }));

describe('the auth header of a provider at an Azure host', () => {
  it('defaults to api-key on Azure OpenAI hosts (classic and v1 base URLs)', () => {
    const p = resolved({
      classic: { baseUrl: 'https://contoso.openai.azure.com/openai' },
      v1: { baseUrl: 'https://contoso.openai.azure.com/openai/v1' },
      foundry: { baseUrl: 'https://contoso.services.ai.azure.com/openai' },
    });
    expect(['classic', 'v1', 'foundry'].map((n) => p.get(n)?.authHeader)).toEqual(['api-key', 'api-key', 'api-key']);
  });

  it('keeps what the policy says, and the protocol default elsewhere', () => {
    const p = resolved({
      entra: { baseUrl: 'https://contoso.openai.azure.com/openai', authHeader: 'authorization' },
      groq: { baseUrl: 'https://api.groq.com/openai/v1' },
      lookalike: { baseUrl: 'https://openai.azure.com.example.net/v1' },
    });
    expect(p.get('entra')?.authHeader).toBe('authorization');
    expect(p.get('groq')?.authHeader).toBe(p.get('openai')?.authHeader);
    expect(p.get('lookalike')?.authHeader).toBe(p.get('openai')?.authHeader);
  });
});
