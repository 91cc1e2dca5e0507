/**
 * Amazon Bedrock's Converse API takes its output limit in `inferenceConfig.maxTokens` (the same
 * camelCase request in the JS SDK's ConverseCommand and boto3's `converse`); a call without one runs
 * to the model's maximum. `converse` of anything but a Bedrock client is not an LLM call.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

describe('Bedrock Converse', () => {
  it('TypeScript: ConverseCommand without maxTokens is flagged and fixed inside inferenceConfig', async () => {
    const text = [
      "import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';",
      'const client = new BedrockRuntimeClient({});',
      "export const a = client.send(new ConverseCommand({ modelId: 'amazon.nova-pro-v1:0', system: [{ text: 'Be brief.' }], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));",
      "export const b = client.send(new ConverseStreamCommand({ modelId: 'amazon.nova-pro-v1:0', messages: [], inferenceConfig: { temperature: 0.1 } }));",
      "export const c = client.send(new ConverseCommand({ modelId: 'amazon.nova-pro-v1:0', messages: [], inferenceConfig: { maxTokens: 300 } }));",
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'bedrock.ts', text });
    expect(r.diagnostics.map((d) => [d.range.start.line, d.message.split(':')[0]])).toEqual([
      [2, 'new ConverseCommand() sets no output limit'],
      [3, 'new ConverseStreamCommand() sets no output limit'],
    ]);
    const fixed = applyEdits(text, [...r.diagnostics[0]!.fixes[0]!.edits, ...r.diagnostics[1]!.fixes[0]!.edits]);
    expect(fixed).toContain("content: [{ text: 'Hi' }] }], inferenceConfig: { maxTokens: 1024 } }));");
    expect(fixed).toContain('inferenceConfig: { temperature: 0.1, maxTokens: 1024 } }));');
    // The prompt in Converse's content blocks is counted.
    expect(r.calls[0]!.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('Python: boto3 converse / converse_stream without maxTokens are flagged and fixed', async () => {
    const text = [
      'import boto3',
      'brt = boto3.client("bedrock-runtime")',
      'a = brt.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[{"role": "user", "content": [{"text": "Hi"}]}])',
      'b = brt.converse_stream(modelId="meta.llama3-8b-instruct-v1:0", messages=[], inferenceConfig={"topP": 0.9})',
      'c = brt.converse(modelId="amazon.nova-lite-v1:0", messages=[], inferenceConfig={"maxTokens": 200})',
      '',
    ].join('\n');
    const r = await analyzeFile({ path: 'bedrock.py', text });
    expect(r.diagnostics.map((d) => d.range.start.line)).toEqual([2, 3]);
    const fixed = applyEdits(text, [...r.diagnostics[0]!.fixes[0]!.edits, ...r.diagnostics[1]!.fixes[0]!.edits]);
    expect(fixed).toContain('"Hi"}]}], inferenceConfig={"maxTokens": 1024})');
    expect(fixed).toContain('inferenceConfig={"topP": 0.9, "maxTokens": 1024})');
  });

  // Converse merges additionalModelRequestFields into the model's own request body, so a Claude `max_tokens` there is sent.
  it('a limit in additionalModelRequestFields is a limit; one built elsewhere may be', async () => {
    const ts = async (fields: string) =>
      (
        await analyzeFile({
          path: 'bedrock.ts',
          text: [
            "import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';",
            "import { EXTRA } from './extra';",
            'const client = new BedrockRuntimeClient({});',
            `export const a = client.send(new ConverseCommand({ modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', messages: [], additionalModelRequestFields: ${fields} }));`,
            '',
          ].join('\n'),
        })
      ).diagnostics.map((d) => d.fixes.length);
    expect(await ts('{ max_tokens: 500 }')).toEqual([]);
    expect(await ts('EXTRA')).toEqual([]);
    expect(await ts('{ top_k: 5 }')).toEqual([1]);
    const py = async (fields: string) =>
      (
        await analyzeFile({
          path: 'bedrock.py',
          text: ['import boto3', 'from extra import EXTRA', 'brt = boto3.client("bedrock-runtime")', `r = brt.converse(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", messages=[], inferenceConfig={"topP": 0.9}, additionalModelRequestFields=${fields})`, ''].join('\n'),
        })
      ).diagnostics.map((d) => d.fixes.length);
    expect(await py('{"max_tokens": 500}')).toEqual([]);
    expect(await py('EXTRA')).toEqual([]);
    expect(await py('{"top_k": 5}')).toEqual([1]);
  });

  // Nova's own parameters (topK) go in an inferenceConfig inside additionalModelRequestFields, as AWS's Nova guide shows; Bedrock
  // merges it into Nova's body, where inferenceConfig.maxTokens (max_new_tokens in Nova 1's first examples) is the limit.
  it('Nova: a limit in the inferenceConfig inside additionalModelRequestFields is a limit', async () => {
    const ts = async (args: string) =>
      (
        await analyzeFile({
          path: 'nova.ts',
          text: ["import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';", 'const client = new BedrockRuntimeClient({});', `export const a = client.send(new ConverseCommand({ modelId: 'us.amazon.nova-lite-v1:0', messages: [], ${args} }));`, ''].join('\n'),
        })
      ).diagnostics.length;
    expect(await ts('inferenceConfig: { temperature: 0.2 }, additionalModelRequestFields: { inferenceConfig: { topK: 20, maxTokens: 500 } }')).toBe(0);
    expect(await ts('additionalModelRequestFields: { inferenceConfig: { topK: 20, maxTokens: 500 } }, inferenceConfig: { temperature: 0.2 }')).toBe(0);
    expect(await ts('additionalModelRequestFields: { inferenceConfig: { topK: 20 } }, inferenceConfig: { temperature: 0.2 }')).toBe(1);
    const py = async (args: string) =>
      (
        await analyzeFile({
          path: 'nova.py',
          text: ['import boto3', 'brt = boto3.client("bedrock-runtime")', `r = brt.converse(modelId="us.amazon.nova-lite-v1:0", messages=[], ${args})`, ''].join('\n'),
        })
      ).diagnostics.length;
    expect(await py('inferenceConfig={"temperature": 0.2}, additionalModelRequestFields={"inferenceConfig": {"topK": 20, "maxTokens": 500}}')).toBe(0);
    expect(await py('additionalModelRequestFields={"inferenceConfig": {"max_new_tokens": 500}}')).toBe(0);
    expect(await py('additionalModelRequestFields={"inferenceConfig": {"topK": 20}}')).toBe(1);
  });

  // AWS: parameters that do not match the model's own inference parameters are ignored. So in additionalModelRequestFields only the
  // family's native key, at its place, is a limit (Claude `max_tokens`, Nova `inferenceConfig.maxTokens`, Llama `max_gen_len`);
  // a family lint does not judge (DeepSeek) is read in any spelling.
  it('additionalModelRequestFields: only the model family’s own limit key counts', async () => {
    const ts = async (modelId: string, fields: string) =>
      (
        await analyzeFile({
          path: 'fields.ts',
          text: ["import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';", 'const client = new BedrockRuntimeClient({});', `export const a = client.send(new ConverseCommand({ modelId: '${modelId}', messages: [], additionalModelRequestFields: ${fields} }));`, ''].join('\n'),
        })
      ).diagnostics.length;
    const py = async (modelId: string, fields: string) =>
      (
        await analyzeFile({
          path: 'fields.py',
          text: ['import boto3', 'brt = boto3.client("bedrock-runtime")', `r = brt.converse(modelId="${modelId}", messages=[], additionalModelRequestFields=${fields})`, ''].join('\n'),
        })
      ).diagnostics.length;
    const CLAUDE = 'us.anthropic.claude-3-5-sonnet-20241022-v2:0';
    const NOVA = 'amazon.nova-pro-v1:0';
    const LLAMA = 'meta.llama3-1-70b-instruct-v1:0';
    expect([await ts(CLAUDE, '{ maxTokens: 500 }'), await ts(CLAUDE, '{ inferenceConfig: { maxTokens: 500 } }'), await ts(NOVA, '{ max_tokens: 500 }'), await ts(NOVA, '{ maxTokens: 500 }')]).toEqual([1, 1, 1, 1]);
    expect([await py(CLAUDE, '{"maxTokens": 500}'), await py(CLAUDE, '{"inferenceConfig": {"maxTokens": 500}}'), await py(NOVA, '{"max_tokens": 500}')]).toEqual([1, 1, 1]);
    expect([await ts(CLAUDE, '{ max_tokens: 500 }'), await ts(LLAMA, '{ max_gen_len: 300 }'), await ts('us.deepseek.r1-v1:0', '{ max_tokens: 500 }')]).toEqual([0, 0, 0]);
    expect([await py(CLAUDE, '{"max_tokens": 500}'), await py(LLAMA, '{"max_gen_len": 300}'), await py('us.deepseek.r1-v1:0', '{"max_tokens": 500}')]).toEqual([0, 0, 0]);
  });

  it('a converse method of something that is not a Bedrock client is left alone', async () => {
    const py = ['from chatbot import Bot', 'bot = Bot()', 'bot.converse(messages=[{"role": "user", "content": "hi"}])', ''].join('\n');
    expect((await analyzeFile({ path: 'bot.py', text: py })).diagnostics).toEqual([]);
  });
});
