/**
 * Provider API keys live in VS Code's SecretStorage (the OS keychain) and reach the proxy only
 * through its environment. Never written to settings, files or logs.
 */
import type * as vscode from 'vscode';

export const PROVIDER_KEYS = [
  { env: 'OPENAI_API_KEY', label: 'OpenAI', placeholder: 'sk-…' },
  { env: 'ANTHROPIC_API_KEY', label: 'Anthropic', placeholder: 'sk-ant-…' },
] as const;

export type ProviderKeyEnv = (typeof PROVIDER_KEYS)[number]['env'];

const secretId = (env: string) => `tollgate.providerKey.${env}`;

export async function readProviderKeys(secrets: vscode.SecretStorage): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const k of PROVIDER_KEYS) {
    const v = await secrets.get(secretId(k.env));
    if (v) out[k.env] = v;
  }
  return out;
}

export function storeProviderKey(secrets: vscode.SecretStorage, env: ProviderKeyEnv, value: string): Thenable<void> {
  return secrets.store(secretId(env), value);
}

export function deleteProviderKey(secrets: vscode.SecretStorage, env: ProviderKeyEnv): Thenable<void> {
  return secrets.delete(secretId(env));
}
