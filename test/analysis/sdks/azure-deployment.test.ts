/**
 * On Azure OpenAI the deployment name is the model name: a call priced as the SDK default model
 * (or "no known price" for the bare deployment) misleads. A deployment that names a model
 * (`gpt-4o`) is priced as that model; any other name is shown with "no known price".
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';


describe('Azure OpenAI deployments name the model', () => {
  it('TypeScript: the constructor’s deployment is the model when the call writes none', async () => {
    const text = [
      "import { AzureOpenAI } from 'openai';",
      "const prod = new AzureOpenAI({ endpoint: 'https://r.openai.azure.com', apiVersion: '2024-06-01', deployment: 'prod-chat' });",
      "const named = new AzureOpenAI({ endpoint: 'https://r.openai.azure.com', apiVersion: '2024-06-01', deployment: 'gpt-4o' });",
      "export const a = prod.chat.completions.create({ model: '', messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 10 });",
      "export const b = named.chat.completions.create({ model: '', messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 10 });",
      '',
    ].join('\n');
    const calls = (await analyzeFile({ path: 'azure.ts', text })).calls;
    expect(calls.map((c) => c.model)).toEqual(['prod-chat', 'gpt-4o']);
    expect(calls[0]!.label).toContain('no known price');
    expect(calls[1]!.label).not.toContain('no known price');
    expect(calls[1]!.inputUsd).toBeGreaterThan(0);
  });

  it('Python: azure_deployment= is the model when the call writes none', async () => {
    const text = [
      'from openai import AzureOpenAI',
      'prod = AzureOpenAI(api_version="2024-06-01", azure_endpoint="https://r.openai.azure.com", azure_deployment="prod-chat")',
      'named = AzureOpenAI(api_version="2024-06-01", azure_endpoint="https://r.openai.azure.com", azure_deployment="gpt-4o")',
      'a = prod.chat.completions.create(model="", messages=[{"role": "user", "content": "Hello there"}], max_tokens=10)',
      'b = named.chat.completions.create(model="", messages=[{"role": "user", "content": "Hello there"}], max_tokens=10)',
      '',
    ].join('\n');
    const calls = (await analyzeFile({ path: 'azure.py', text })).calls;
    expect(calls.map((c) => c.model)).toEqual(['prod-chat', 'gpt-4o']);
    expect(calls[0]!.label).toContain('no known price');
    expect(calls[1]!.label).not.toContain('no known price');
    expect(calls[1]!.inputUsd).toBeGreaterThan(0);
  });
});
