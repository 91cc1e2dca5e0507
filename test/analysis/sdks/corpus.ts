/**
 * Realistic one-call files for SDKs and call shapes the output-limit lint is measured on: each says
 * whether the call should be flagged (no output limit reaches the model) and, if so, which key the
 * quick fix must insert and inside which argument. Written from the SDKs' public docs and types.
 */
export interface SdkCase {
  id: string;
  path: string;
  text: string;
  /** true: the call sends no output limit and must be flagged. */
  flag: boolean;
  /** The key the fix inserts (any of these). */
  keys?: string[];
  /** The argument the key must end up inside (`inferenceConfig`, `config`, …), when nested. */
  inside?: string;
}

const ts = (id: string, flag: boolean, lines: string[], keys?: string[], inside?: string): SdkCase => ({
  id,
  path: `${id}.ts`,
  text: `${lines.join('\n')}\n`,
  flag,
  ...(keys ? { keys } : {}),
  ...(inside ? { inside } : {}),
});
const js = (id: string, flag: boolean, lines: string[], keys?: string[]): SdkCase => ({ ...ts(id, flag, lines, keys), path: `${id}.mjs` });
const py = (id: string, flag: boolean, lines: string[], keys?: string[], inside?: string): SdkCase => ({
  id,
  path: `${id}.py`,
  text: `${lines.join('\n')}\n`,
  flag,
  ...(keys ? { keys } : {}),
  ...(inside ? { inside } : {}),
});

export const CASES: SdkCase[] = [
  // ── Amazon Bedrock Converse ──
  ts(
    'bedrock-converse',
    true,
    [
      "import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';",
      "const client = new BedrockRuntimeClient({ region: 'us-east-1' });",
      'export async function ask(question: string) {',
      '  const out = await client.send(',
      '    new ConverseCommand({',
      "      modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',",
      "      messages: [{ role: 'user', content: [{ text: question }] }],",
      '    }),',
      '  );',
      '  return out.output?.message?.content?.[0]?.text;',
      '}',
    ],
    ['maxTokens'],
    'inferenceConfig',
  ),
  ts(
    'bedrock-converse-set',
    false,
    [
      "import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';",
      'const client = new BedrockRuntimeClient({});',
      'export const run = (text: string) =>',
      "  client.send(new ConverseCommand({ modelId: 'amazon.nova-lite-v1:0', messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens: 512, temperature: 0.2 } }));",
    ],
  ),
  ts(
    'bedrock-converse-stream',
    true,
    [
      "import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';",
      'const brt = new BedrockRuntimeClient({});',
      'export async function* stream(text: string) {',
      "  const command = new ConverseStreamCommand({ modelId: 'meta.llama3-8b-instruct-v1:0', messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { temperature: 0.5 } });",
      '  const res = await brt.send(command);',
      '  for await (const e of res.stream ?? []) yield e.contentBlockDelta?.delta?.text;',
      '}',
    ],
    ['maxTokens'],
    'inferenceConfig',
  ),
  py(
    'bedrock_converse',
    true,
    [
      'import boto3',
      '',
      'brt = boto3.client("bedrock-runtime", region_name="us-east-1")',
      '',
      'def ask(question: str) -> str:',
      '    response = brt.converse(',
      '        modelId="anthropic.claude-3-haiku-20240307-v1:0",',
      '        messages=[{"role": "user", "content": [{"text": question}]}],',
      '    )',
      '    return response["output"]["message"]["content"][0]["text"]',
    ],
    ['maxTokens'],
    'inferenceConfig',
  ),
  py(
    'bedrock_converse_set',
    false,
    [
      'import boto3',
      'client = boto3.client("bedrock-runtime")',
      'r = client.converse(modelId="amazon.titan-text-express-v1", messages=[], inferenceConfig={"maxTokens": 512, "temperature": 0.5})',
    ],
  ),
  py(
    'bedrock_converse_stream',
    true,
    [
      'import boto3',
      'session = boto3.Session(profile_name="dev")',
      'client = session.client("bedrock-runtime")',
      'resp = client.converse_stream(',
      '    modelId="mistral.mistral-large-2402-v1:0",',
      '    messages=[{"role": "user", "content": [{"text": "Summarise the report"}]}],',
      '    inferenceConfig={"temperature": 0.2},',
      ')',
    ],
    ['maxTokens'],
    'inferenceConfig',
  ),
  // ── Google Gen AI (@google/genai, google-genai) and Vertex ──
  ts(
    'genai-generate',
    true,
    [
      "import { GoogleGenAI } from '@google/genai';",
      'const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });',
      "export const answer = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Why is the sky blue?' });",
    ],
    ['maxOutputTokens'],
    'config',
  ),
  ts(
    'genai-generate-set',
    false,
    [
      "import { GoogleGenAI } from '@google/genai';",
      'const ai = new GoogleGenAI({});',
      "export const r = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi', config: { maxOutputTokens: 800, temperature: 0.1 } });",
    ],
  ),
  ts(
    'genai-stream-config',
    true,
    [
      "import { GoogleGenAI } from '@google/genai';",
      "const ai = new GoogleGenAI({ vertexai: true, project: 'p', location: 'us-central1' });",
      'export async function run(q: string) {',
      "  const stream = await ai.models.generateContentStream({ model: 'gemini-2.0-flash-001', contents: q, config: { systemInstruction: 'Be terse.' } });",
      '  for await (const chunk of stream) process.stdout.write(chunk.text ?? "");',
      '}',
    ],
    ['maxOutputTokens'],
    'config',
  ),
  ts(
    'genai-chats',
    true,
    [
      "import { GoogleGenAI } from '@google/genai';",
      'const ai = new GoogleGenAI({});',
      "const chat = ai.chats.create({ model: 'gemini-2.0-flash', history: [] });",
      "export const reply = await chat.sendMessage({ message: 'Hello' });",
    ],
    ['maxOutputTokens'],
    'config',
  ),
  ts(
    'vertex-model',
    true,
    [
      "import { VertexAI } from '@google-cloud/vertexai';",
      "const vertexAI = new VertexAI({ project: 'my-project', location: 'us-central1' });",
      "const model = vertexAI.getGenerativeModel({ model: 'gemini-1.5-pro' });",
      "export const res = await model.generateContent('Write a haiku');",
    ],
    ['maxOutputTokens'],
    'generationConfig',
  ),
  ts(
    'vertex-model-set',
    false,
    [
      "import { VertexAI } from '@google-cloud/vertexai';",
      "const vertexAI = new VertexAI({ project: 'p', location: 'europe-west4' });",
      "export const model = vertexAI.getGenerativeModel({ model: 'gemini-1.5-flash', generationConfig: { maxOutputTokens: 256 } });",
    ],
  ),
  py(
    'genai_generate',
    true,
    [
      'from google import genai',
      '',
      'client = genai.Client()',
      'response = client.models.generate_content(model="gemini-2.0-flash", contents="Explain how AI works in a few words")',
      'print(response.text)',
    ],
    ['max_output_tokens'],
    'config',
  ),
  py(
    'genai_generate_set',
    false,
    [
      'from google import genai',
      'from google.genai import types',
      'client = genai.Client()',
      'r = client.models.generate_content(model="gemini-2.5-flash", contents="hi", config=types.GenerateContentConfig(max_output_tokens=500, temperature=0.1))',
    ],
  ),
  py(
    'genai_config_no_limit',
    true,
    [
      'from google import genai',
      'from google.genai import types',
      'client = genai.Client(vertexai=True, project="p", location="us-central1")',
      'r = client.models.generate_content(',
      '    model="gemini-2.0-flash-001",',
      '    contents="Tell me a story",',
      '    config=types.GenerateContentConfig(system_instruction="You are a storyteller.", temperature=0.9),',
      ')',
    ],
    ['max_output_tokens'],
    'GenerateContentConfig',
  ),
  py(
    'genai_async',
    true,
    [
      'from google import genai',
      'client = genai.Client()',
      'async def go(q):',
      '    return await client.aio.models.generate_content(model="gemini-2.0-flash-lite", contents=q)',
    ],
    ['max_output_tokens'],
    'config',
  ),
  py(
    'vertex_legacy',
    true,
    [
      'import vertexai',
      'from vertexai.generative_models import GenerativeModel',
      'vertexai.init(project="p", location="us-central1")',
      'model = GenerativeModel("gemini-1.5-pro-002")',
      'print(model.generate_content("Why is the sky blue?").text)',
    ],
    ['max_output_tokens'],
    'generation_config',
  ),
  // ── Mistral ──
  ts(
    'mistral-complete',
    true,
    [
      "import { Mistral } from '@mistralai/mistralai';",
      'const client = new Mistral({ apiKey: process.env.MISTRAL_API_KEY ?? "" });',
      "export const r = await client.chat.complete({ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'What is the best French cheese?' }] });",
    ],
    ['maxTokens'],
  ),
  ts(
    'mistral-complete-set',
    false,
    [
      "import { Mistral } from '@mistralai/mistralai';",
      'const client = new Mistral({});',
      "export const r = await client.chat.complete({ model: 'mistral-large-latest', messages: [], maxTokens: 300 });",
    ],
  ),
  ts(
    'mistral-stream',
    true,
    [
      "import { Mistral } from '@mistralai/mistralai';",
      'const mistral = new Mistral({});',
      "export const s = await mistral.chat.stream({ model: 'open-mistral-nemo', messages: [{ role: 'user', content: 'hi' }], temperature: 0.3 });",
    ],
    ['maxTokens'],
  ),
  py(
    'mistral_complete',
    true,
    [
      'import os',
      'from mistralai import Mistral',
      'client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])',
      'res = client.chat.complete(model="mistral-large-latest", messages=[{"role": "user", "content": "Who is the best French painter?"}])',
    ],
    ['max_tokens'],
  ),
  py(
    'mistral_complete_set',
    false,
    [
      'from mistralai import Mistral',
      'client = Mistral(api_key="k")',
      'res = client.chat.complete(model="mistral-small-latest", messages=[], max_tokens=256)',
    ],
  ),
  // ── Cohere v2 ──
  ts(
    'cohere-chat',
    true,
    [
      "import { CohereClientV2 } from 'cohere-ai';",
      'const cohere = new CohereClientV2({ token: process.env.CO_API_KEY });',
      "export const r = await cohere.chat({ model: 'command-r-plus-08-2024', messages: [{ role: 'user', content: 'hello world!' }] });",
    ],
    ['maxTokens'],
  ),
  ts(
    'cohere-chat-set',
    false,
    [
      "import { CohereClientV2 } from 'cohere-ai';",
      'const cohere = new CohereClientV2({});',
      "export const r = await cohere.chat({ model: 'command-r', messages: [], maxTokens: 400 });",
    ],
  ),
  py(
    'cohere_chat',
    true,
    [
      'import cohere',
      'co = cohere.ClientV2()',
      'response = co.chat(model="command-r-plus-08-2024", messages=[{"role": "user", "content": "hello world!"}])',
    ],
    ['max_tokens'],
  ),
  py(
    'cohere_chat_set',
    false,
    [
      'import cohere',
      'co = cohere.ClientV2(api_key="k")',
      'response = co.chat(model="command-a-03-2025", messages=[], max_tokens=300)',
    ],
  ),
  // ── OpenAI-shaped SDKs: Groq, Together ──
  ts(
    'groq-chat',
    true,
    [
      "import Groq from 'groq-sdk';",
      'const groq = new Groq({ apiKey: process.env.GROQ_API_KEY });',
      "export const c = await groq.chat.completions.create({ messages: [{ role: 'user', content: 'Explain fast inference' }], model: 'llama-3.3-70b-versatile' });",
    ],
    ['max_tokens', 'max_completion_tokens'],
  ),
  ts(
    'together-chat',
    true,
    [
      "import Together from 'together-ai';",
      'const together = new Together();',
      "export const c = await together.chat.completions.create({ model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', messages: [{ role: 'user', content: 'hi' }] });",
    ],
    ['max_tokens'],
  ),
  py(
    'groq_chat',
    true,
    [
      'from groq import Groq',
      'client = Groq()',
      'chat = client.chat.completions.create(messages=[{"role": "user", "content": "hi"}], model="llama-3.1-8b-instant")',
    ],
    ['max_tokens', 'max_completion_tokens'],
  ),
  py(
    'together_chat',
    true,
    [
      'from together import Together',
      'client = Together()',
      'r = client.chat.completions.create(model="mistralai/Mixtral-8x7B-Instruct-v0.1", messages=[{"role": "user", "content": "hi"}], max_tokens=200)',
      's = client.chat.completions.create(model="Qwen/Qwen2.5-72B-Instruct-Turbo", messages=[{"role": "user", "content": "hi"}])',
    ],
    ['max_tokens'],
  ),
  // ── Azure OpenAI and unknown OpenAI-compatible servers ──
  ts(
    'azure-chat',
    true,
    [
      "import { AzureOpenAI } from 'openai';",
      "const client = new AzureOpenAI({ endpoint: 'https://my-res.openai.azure.com', apiVersion: '2024-06-01', deployment: 'chat-prod' });",
      "export const r = await client.chat.completions.create({ model: 'chat-prod', messages: [{ role: 'user', content: 'hi' }] });",
    ],
    ['max_tokens'],
  ),
  ts(
    'compat-chat',
    true,
    [
      "import OpenAI from 'openai';",
      "const client = new OpenAI({ baseURL: 'http://localhost:8000/v1', apiKey: 'none' });",
      "export const r = await client.chat.completions.create({ model: 'my-org/support-ft-v3', messages: [{ role: 'user', content: 'hi' }] });",
    ],
    ['max_tokens'],
  ),
  py(
    'azure_chat',
    true,
    [
      'import os',
      'from openai import AzureOpenAI',
      'client = AzureOpenAI(api_version="2024-02-01", azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])',
      'r = client.chat.completions.create(model="gpt35-deployment", messages=[{"role": "user", "content": "hi"}])',
    ],
    ['max_tokens'],
  ),
  py(
    'compat_chat',
    true,
    [
      'from openai import OpenAI',
      'client = OpenAI(base_url="http://vllm.internal:8000/v1", api_key="EMPTY")',
      'r = client.chat.completions.create(model="support-bot-7b", messages=[{"role": "user", "content": "hi"}])',
    ],
    ['max_tokens'],
  ),
  // ── LiteLLM ──
  py(
    'litellm_completion',
    true,
    [
      'from litellm import completion',
      'response = completion(model="gpt-4o", messages=[{"content": "Hello, how are you?", "role": "user"}])',
    ],
    ['max_tokens'],
  ),
  py(
    'litellm_acompletion_set',
    false,
    [
      'import litellm',
      'async def go(msgs):',
      '    return await litellm.acompletion(model="anthropic/claude-3-5-sonnet-20240620", messages=msgs, max_tokens=300)',
    ],
  ),
  // ── LlamaIndex ──
  py(
    'llamaindex_openai',
    true,
    [
      'from llama_index.llms.openai import OpenAI',
      'llm = OpenAI(model="gpt-4o-mini", temperature=0.1)',
      'print(llm.complete("Paul Graham is "))',
    ],
    ['max_tokens'],
  ),
  py(
    'llamaindex_openai_set',
    false,
    ['from llama_index.llms.openai import OpenAI', 'llm = OpenAI(model="gpt-4o", max_tokens=512)', 'resp = llm.chat([])'],
  ),
  py('openai_client_ctor', false, ['from openai import OpenAI', 'client = OpenAI()']),
  // ── AI SDK ──
  ts(
    'ai-generate-object',
    true,
    [
      "import { openai } from '@ai-sdk/openai';",
      "import { generateObject } from 'ai';",
      "import { z } from 'zod';",
      'export async function recipe() {',
      '  const { object } = await generateObject({',
      "    model: openai('gpt-4.1'),",
      '    schema: z.object({ name: z.string() }),',
      "    prompt: 'Generate a lasagna recipe.',",
      '  });',
      '  return object;',
      '}',
    ],
    ['maxOutputTokens'],
  ),
  ts(
    'ai-stream-object-set',
    false,
    [
      "import { anthropic } from '@ai-sdk/anthropic';",
      "import { streamObject } from 'ai';",
      "import { z } from 'zod';",
      "export const s = streamObject({ model: anthropic('claude-3-5-haiku-latest'), schema: z.object({ a: z.string() }), prompt: 'x', maxOutputTokens: 500 });",
    ],
  ),
  ts(
    'ai-stream-text-route',
    true,
    [
      "import { openai } from '@ai-sdk/openai';",
      "import { convertToModelMessages, streamText, type UIMessage } from 'ai';",
      'export const maxDuration = 30;',
      'export async function POST(req: Request) {',
      '  const { messages }: { messages: UIMessage[] } = await req.json();',
      '  const result = streamText({',
      "    model: openai('gpt-4o'),",
      "    system: 'You are a helpful assistant.',",
      '    messages: convertToModelMessages(messages),',
      '  });',
      '  return result.toUIMessageStreamResponse();',
      '}',
    ],
    ['maxOutputTokens'],
  ),
  // A v4 spelling in a JavaScript file of a project on AI SDK 5+ (this repository has ai@6): the SDK never reads it.
  js(
    'ai-v4-spelling',
    true,
    [
      "import { openai } from '@ai-sdk/openai';",
      "import { generateText } from 'ai';",
      "export const { text } = await generateText({ model: openai('gpt-4o-mini'), prompt: 'hi', maxTokens: 200 });",
    ],
    ['maxOutputTokens'],
  ),
  // ── Not LLM calls ──
  ts(
    'stripe-create',
    false,
    [
      "import Stripe from 'stripe';",
      'const stripe = new Stripe(process.env.STRIPE_KEY!);',
      "export const customer = await stripe.customers.create({ email: 'a@b.c' });",
      "export const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [] });",
    ],
  ),
  ts(
    'openai-non-chat',
    false,
    [
      "import OpenAI from 'openai';",
      'const client = new OpenAI();',
      "export const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });",
      "export const m = await client.moderations.create({ input: 'x' });",
      "export const i = await client.images.generate({ model: 'dall-e-3', prompt: 'a cat' });",
      "export const a = await client.beta.assistants.create({ model: 'gpt-4o', instructions: 'x' });",
    ],
  ),
  ts(
    'prisma-create',
    false,
    [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      "export const m = await prisma.message.create({ data: { text: 'hi' } });",
      "export const c = await prisma.chat.create({ data: { title: 'x' } });",
      'export const all = await prisma.completion.findMany();',
    ],
  ),
  ts(
    'own-chat-helper',
    false,
    [
      "import { chat } from './llm';",
      "import { api } from './api';",
      "export const r = await api.chat.complete({ id: 3 });",
      "export const s = await chat({ prompt: 'x' });",
    ],
  ),
  py(
    'stripe_create',
    false,
    [
      'import stripe',
      'stripe.api_key = "sk_test"',
      'customer = stripe.Customer.create(email="a@b.c")',
      'session = stripe.checkout.Session.create(mode="payment", line_items=[])',
    ],
  ),
  py(
    'twilio_boto_misc',
    false,
    [
      'import boto3',
      'from twilio.rest import Client',
      'client = Client("sid", "token")',
      'client.messages.create(to="+1", from_="+2", body="hi")',
      's3 = boto3.client("s3")',
      's3.put_object(Bucket="b", Key="k", Body=b"x")',
      'sns = boto3.client("sns")',
      'sns.publish(TopicArn="arn", Message="x")',
    ],
  ),
  py(
    'own_completion',
    false,
    ['from .llm import completion', 'from app.chat import chat', 'r = completion(prompt="x")', 's = chat.complete(user_id=3)'],
  ),
];
