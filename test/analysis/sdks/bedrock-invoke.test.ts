/**
 * Amazon Bedrock InvokeModel sends the model's own JSON body, and where its output limit sits depends
 * on the model family (AWS "Inference request parameters"): Claude's `max_tokens` (required; legacy
 * Text Completions `max_tokens_to_sample`), Nova's `inferenceConfig.maxTokens`; Titan
 * (`textGenerationConfig.maxTokenCount`), Llama (`max_gen_len`), Mistral, Cohere and AI21 stop at a
 * default when none is sent. A body the file builds as a literal is read; one built elsewhere, an
 * embedding model, a family not judged or another library's `invoke_model` get no finding. Each fix
 * uses the family's spelling at its place, and the fixed file parses and is no longer flagged.
 */
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits } from '../support';

const LIMIT_RULES = new Set(['missing-output-limit', 'anthropic-missing-max-tokens']);
const PY_HEAD = ['import json', 'import boto3', 'brt = boto3.client("bedrock-runtime")'];
const TS_HEAD = [
  "import { BedrockRuntimeClient, InvokeModelCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';",
  'const client = new BedrockRuntimeClient({});',
];

interface Case {
  id: string;
  lang: 'py' | 'ts';
  lines: string[];
  /** The rule expected, or undefined for no finding. */
  rule?: 'missing-output-limit' | 'anthropic-missing-max-tokens';
  /** The key the fix inserts, and what must hold it (`inferenceConfig`), when nested. */
  key?: string;
  inside?: string;
}

const CASES: Case[] = [
  // ── flagged ──
  {
    id: 'py-claude-messages',
    lang: 'py',
    lines: [
      'body = json.dumps({',
      '    "anthropic_version": "bedrock-2023-05-31",',
      '    "messages": [{"role": "user", "content": "Summarise the report."}],',
      '})',
      'resp = brt.invoke_model(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", body=body)',
    ],
    rule: 'anthropic-missing-max-tokens',
    key: 'max_tokens',
  },
  {
    id: 'py-claude-profile-stream',
    lang: 'py',
    lines: [
      'payload = {"anthropic_version": "bedrock-2023-05-31", "system": "Be brief.", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]}',
      'stream = brt.invoke_model_with_response_stream(modelId="us.anthropic.claude-3-7-sonnet-20250219-v1:0", body=json.dumps(payload).encode("utf-8"))',
    ],
    rule: 'anthropic-missing-max-tokens',
    key: 'max_tokens',
  },
  {
    id: 'py-claude-text-completions',
    lang: 'py',
    lines: ['r = brt.invoke_model(modelId="anthropic.claude-v2:1", body=json.dumps({"prompt": "\\n\\nHuman: Hi\\n\\nAssistant:", "temperature": 0.5}))'],
    rule: 'anthropic-missing-max-tokens',
    key: 'max_tokens_to_sample',
  },
  {
    id: 'py-claude-model-hidden',
    lang: 'py',
    lines: ['def ask(model_id):', '    return brt.invoke_model(modelId=model_id, body=json.dumps({"anthropic_version": "bedrock-2023-05-31", "messages": []}))'],
    rule: 'anthropic-missing-max-tokens',
    key: 'max_tokens',
  },
  {
    id: 'py-nova-no-config',
    lang: 'py',
    lines: ['r = brt.invoke_model(modelId="amazon.nova-pro-v1:0", body=json.dumps({"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}))'],
    rule: 'missing-output-limit',
    key: 'maxTokens',
    inside: 'inferenceConfig',
  },
  {
    id: 'py-nova-config-without-limit',
    lang: 'py',
    lines: [
      'request = {',
      '    "system": [{"text": "You are terse."}],',
      '    "messages": [{"role": "user", "content": [{"text": "Hi"}]}],',
      '    "inferenceConfig": {"temperature": 0.3, "topP": 0.9},',
      '}',
      'r = brt.invoke_model(modelId="global.amazon.nova-2-lite-v1:0", body=json.dumps(request))',
    ],
    rule: 'missing-output-limit',
    key: 'maxTokens',
    inside: 'inferenceConfig',
  },
  {
    id: 'ts-claude-messages',
    lang: 'ts',
    lines: [
      'export const res = await client.send(new InvokeModelCommand({',
      "  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',",
      "  contentType: 'application/json',",
      "  body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', messages: [{ role: 'user', content: 'Hi' }] }),",
      '}));',
    ],
    rule: 'anthropic-missing-max-tokens',
    key: 'max_tokens',
  },
  {
    id: 'ts-nova-stream-encoded',
    lang: 'ts',
    lines: [
      "const payload = { messages: [{ role: 'user', content: [{ text: 'Hi' }] }], inferenceConfig: { temperature: 0.1 } };",
      "export const s = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: 'us.amazon.nova-micro-v1:0', body: new TextEncoder().encode(JSON.stringify(payload)) }));",
    ],
    rule: 'missing-output-limit',
    key: 'maxTokens',
    inside: 'inferenceConfig',
  },
  {
    id: 'ts-nova-input-const',
    lang: 'ts',
    lines: [
      "const input = { modelId: 'amazon.nova-lite-v1:0', body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }) };",
      'export const r = await client.send(new InvokeModelCommand(input));',
    ],
    rule: 'missing-output-limit',
    key: 'maxTokens',
    inside: 'inferenceConfig',
  },
  // ── not flagged ──
  { id: 'py-claude-set', lang: 'py', lines: ['r = brt.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 300, "messages": []}))'] },
  { id: 'py-claude-set-later', lang: 'py', lines: ['p = {"anthropic_version": "bedrock-2023-05-31", "messages": []}', 'p["max_tokens"] = 512', 'r = brt.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=json.dumps(p))'] },
  // A limit written into the nested config after the body is built.
  {
    id: 'py-nova-nested-write',
    lang: 'py',
    lines: ['payload = {"messages": [], "inferenceConfig": {"temperature": 0.1}}', 'payload["inferenceConfig"]["maxTokens"] = 300', 'r = brt.invoke_model(modelId="amazon.nova-lite-v1:0", body=json.dumps(payload))'],
  },
  {
    id: 'ts-nova-nested-write',
    lang: 'ts',
    lines: [
      'const payload = { messages: [], inferenceConfig: { temperature: 0.1 } as Record<string, number> };',
      'payload.inferenceConfig.maxTokens = 300;',
      "export const r = await client.send(new InvokeModelCommand({ modelId: 'amazon.nova-lite-v1:0', body: JSON.stringify(payload) }));",
    ],
  },
  { id: 'py-nova-set', lang: 'py', lines: ['r = brt.invoke_model(modelId="amazon.nova-lite-v1:0", body=json.dumps({"messages": [], "inferenceConfig": {"max_new_tokens": 400}}))'] },
  { id: 'py-titan-default', lang: 'py', lines: ['r = brt.invoke_model(modelId="amazon.titan-text-express-v1", body=json.dumps({"inputText": "User: Hi\\nBot:"}))'] },
  { id: 'py-llama-default', lang: 'py', lines: ['r = brt.invoke_model(modelId="meta.llama3-8b-instruct-v1:0", body=json.dumps({"prompt": "Hi", "temperature": 0.5}))'] },
  { id: 'py-mistral-default', lang: 'py', lines: ['r = brt.invoke_model(modelId="mistral.mistral-7b-instruct-v0:2", body=json.dumps({"prompt": "<s>[INST] Hi [/INST]"}))'] },
  { id: 'py-cohere-default', lang: 'py', lines: ['r = brt.invoke_model(modelId="cohere.command-r-v1:0", body=json.dumps({"message": "Hi"}))'] },
  { id: 'py-embedding', lang: 'py', lines: ['r = brt.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "hello"}))'] },
  { id: 'py-nova-canvas', lang: 'py', lines: ['r = brt.invoke_model(modelId="amazon.nova-canvas-v1:0", body=json.dumps({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a cat"}}))'] },
  { id: 'py-body-from-event', lang: 'py', lines: ['def handler(event, context):', '    return brt.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=event["body"])'] },
  { id: 'py-body-spread', lang: 'py', lines: ['def ask(extra):', '    return brt.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=json.dumps({"anthropic_version": "bedrock-2023-05-31", **extra}))'] },
  { id: 'py-deepseek-not-judged', lang: 'py', lines: ['r = brt.invoke_model(modelId="us.deepseek.r1-v1:0", body=json.dumps({"prompt": "Hi"}))'] },
  { id: 'py-unknown-model-unknown-body', lang: 'py', lines: ['def run(mid):', '    return brt.invoke_model(modelId=mid, body=json.dumps({"prompt": "Hi"}))'] },
  { id: 'ts-claude-set', lang: 'ts', lines: ["export const r = await client.send(new InvokeModelCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 1000, messages: [] }) }));"] },
  { id: 'ts-llama-default', lang: 'ts', lines: ["export const r = await client.send(new InvokeModelCommand({ modelId: 'meta.llama3-70b-instruct-v1:0', body: JSON.stringify({ prompt: 'Hi' }) }));"] },
  { id: 'ts-body-param', lang: 'ts', lines: ["export function ask(body: string) { return client.send(new InvokeModelCommand({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', body })); }"] },
];

const textOf = (c: Case) => `${[...(c.lang === 'py' ? PY_HEAD : TS_HEAD), ...c.lines].join('\n')}\n`;
const pathOf = (c: Case) => `${c.id}.${c.lang}`;

function parses(c: Case, text: string): boolean {
  if (c.lang === 'ts') return (ts.transpileModule(text, { fileName: pathOf(c), reportDiagnostics: true }).diagnostics ?? []).length === 0;
  try {
    execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
    return true;
  } catch {
    return false;
  }
}

describe('Bedrock InvokeModel bodies', () => {
  it('flags a readable body without its family’s limit, and nothing else', async () => {
    const got: Record<string, string | undefined> = {};
    const want: Record<string, string | undefined> = {};
    for (const c of CASES) {
      const found = (await analyzeFile({ path: pathOf(c), text: textOf(c) })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));
      got[c.id] = found.map((d) => d.ruleId).join(',') || undefined;
      want[c.id] = c.rule;
    }
    expect(got).toEqual(want);
  });

  it('fixes in the family’s spelling and place: the fixed file parses and is no longer flagged', async () => {
    for (const c of CASES.filter((x) => x.rule)) {
      const text = textOf(c);
      const finding = (await analyzeFile({ path: pathOf(c), text })).diagnostics.find((d) => LIMIT_RULES.has(d.ruleId))!;
      const fix = finding.fixes[0];
      expect(fix, c.id).toBeDefined();
      const inserted = fix!.edits.map((e) => e.newText).join('');
      expect(inserted, c.id).toMatch(new RegExp(`["']?\\b${c.key}\\b["']?\\s*[:=]\\s*\\d+`));
      const fixed = applyEdits(text, fix!.edits);
      expect(parses(c, fixed), `${c.id}: ${fixed}`).toBe(true);
      const again = (await analyzeFile({ path: pathOf(c), text: fixed })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));
      expect(again.map((d) => d.message), c.id).toEqual([]);
      // The key sits inside the family's config object, never beside it.
      if (c.inside) expect(fixed, c.id).toMatch(new RegExp(`${c.inside}["']?\\s*[:=]\\s*\\{[^{}]*\\b${c.key}\\b`));
      else expect(fixed, c.id).not.toMatch(/inferenceConfig/);
    }
  });

  it('names the required key and Bedrock in a Claude finding; the prompt is counted', async () => {
    const c = CASES.find((x) => x.id === 'py-claude-text-completions')!;
    const r = await analyzeFile({ path: pathOf(c), text: textOf(c) });
    expect(r.diagnostics[0]!.message).toMatch(/^brt\.invoke_model\(\) has no max_tokens_to_sample in its Claude request body: Bedrock rejects the request without it/);
    const nova = CASES.find((x) => x.id === 'py-nova-config-without-limit')!;
    const lens = (await analyzeFile({ path: pathOf(nova), text: textOf(nova) })).calls[0]!;
    expect(lens.perMessage.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('Converse too: a limit written into inferenceConfig after the request is built is not a missing one', async () => {
    const py = [
      'import boto3',
      'brt = boto3.client("bedrock-runtime")',
      'request = {"modelId": "amazon.nova-lite-v1:0", "messages": [], "inferenceConfig": {"temperature": 0.2}}',
      'request["inferenceConfig"]["maxTokens"] = 256',
      'r = brt.converse(**request)',
      '',
    ].join('\n');
    const ts = [
      "import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';",
      'const client = new BedrockRuntimeClient({});',
      "const input = { modelId: 'amazon.nova-lite-v1:0', messages: [], inferenceConfig: { temperature: 0.2 } as { temperature: number; maxTokens?: number } };",
      'input.inferenceConfig.maxTokens = 256;',
      'export const r = await client.send(new ConverseCommand(input));',
      '',
    ].join('\n');
    expect((await analyzeFile({ path: 'c.py', text: py })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId))).toEqual([]);
    expect((await analyzeFile({ path: 'c.ts', text: ts })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId))).toEqual([]);
  });
});
