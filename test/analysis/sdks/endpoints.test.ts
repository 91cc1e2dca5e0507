/**
 * An OpenAI-SDK client pointed at Azure OpenAI or another compatible server: Azure API versions
 * before 2024-09-01-preview reject `max_completion_tokens` (400 "Unrecognized request argument"), and
 * compatible servers ignore or reject it, while every model that does not reason takes `max_tokens`
 * there. A reasoning deployment keeps `max_completion_tokens` (it rejects `max_tokens`).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';

const keys = async (path: string, text: string) => (await analyzeFile({ path, text })).diagnostics.map((d) => /(\w+)[=:]/.exec(d.fixes[0]!.edits[0]!.newText)?.[1]);

describe('quick fixes for Azure OpenAI and compatible endpoints', () => {
  it('TypeScript: AzureOpenAI deployments and a self-hosted baseURL get max_tokens; api.openai.com and reasoning models do not', async () => {
    const text = [
      "import OpenAI, { AzureOpenAI } from 'openai';",
      "const azure = new AzureOpenAI({ endpoint: 'https://r.openai.azure.com', apiVersion: '2024-06-01', deployment: 'chat' });",
      "const local = new OpenAI({ baseURL: 'http://127.0.0.1:8000/v1', apiKey: 'x' });",
      "const official = new OpenAI({ baseURL: 'https://api.openai.com/v1' });",
      "const azureViaBase = new OpenAI({ baseURL: 'https://r.openai.azure.com/openai/deployments/chat', defaultQuery: { 'api-version': '2024-02-01' } });",
      'class Bot { client = new AzureOpenAI({}); ask() { return this.client.chat.completions.create({ model: "support-gpt4o", messages: [] }); } }',
      "export const a = azure.chat.completions.create({ model: 'chat', messages: [] });",
      "export const b = local.chat.completions.create({ model: 'support-ft', messages: [] });",
      "export const c = official.chat.completions.create({ model: 'gpt-4o', messages: [] });",
      "export const d = azure.chat.completions.create({ model: 'o3-mini', messages: [] });",
      "export const e = azureViaBase.chat.completions.create({ model: 'gpt-4o', messages: [] });",
      'export { Bot };',
      '',
    ].join('\n');
    expect(await keys('azure.ts', text)).toEqual(['max_tokens', 'max_tokens', 'max_tokens', 'max_completion_tokens', 'max_completion_tokens', 'max_tokens']);
  });

  it('Python: AzureOpenAI and a base_url elsewhere get max_tokens; the default endpoint keeps max_completion_tokens', async () => {
    const text = [
      'from openai import AsyncAzureOpenAI, OpenAI',
      'azure = AsyncAzureOpenAI(api_version="2024-02-01", azure_endpoint="https://r.openai.azure.com")',
      'local = OpenAI(base_url="http://localhost:1234/v1", api_key="lm-studio")',
      'class Svc:',
      '    def __init__(self):',
      '        self.client = OpenAI()',
      '    async def go(self):',
      '        return self.client.chat.completions.create(model="gpt-4o", messages=[])',
      'async def main():',
      '    await azure.chat.completions.create(model="gpt35-prod", messages=[])',
      '    local.chat.completions.create(model="my-model", messages=[])',
      '    await azure.chat.completions.create(model="o4-mini", messages=[])',
      '',
    ].join('\n');
    expect(await keys('azure.py', text)).toEqual(['max_completion_tokens', 'max_tokens', 'max_tokens', 'max_completion_tokens']);
  });
});
