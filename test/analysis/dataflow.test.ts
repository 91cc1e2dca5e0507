/**
 * The missing-limit rule follows the code: arguments built in a variable, a spread, a same-file
 * builder function or a Python wrapper chain, and every mainstream SDK spelling. Each case is a real-shaped
 * snippet; "missing" cases also apply the quick fix and check it lands where the arguments are built
 * and silences the finding. The "unknown" cases must stay quiet (precision first).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { applyEdits } from './support';

type Case = [name: string, path: string, code: string, expected: 'missing' | 'quiet', fixedContains?: string];

const LIMIT_RULES = new Set(['missing-output-limit', 'anthropic-missing-max-tokens']);

async function check(path: string, code: string, expected: 'missing' | 'quiet', fixedContains?: string): Promise<void> {
  const r = await analyzeFile({ path, text: code });
  const found = r.diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));
  if (expected === 'quiet') {
    expect(found).toEqual([]);
    return;
  }
  expect(found).toHaveLength(1);
  const fix = found[0]!.fixes[0];
  expect(fix).toBeDefined();
  const fixed = applyEdits(code, fix!.edits);
  if (fixedContains) expect(fixed).toContain(fixedContains);
  const again = await analyzeFile({ path, text: fixed });
  expect(again.diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId))).toEqual([]);
}

const TS_RESOLUTION: Case[] = [
  [
    'typed params variable',
    'a.ts',
    `import OpenAI from 'openai';\nimport type { ChatCompletionCreateParams } from 'openai/resources';\nconst client = new OpenAI();\nconst params: ChatCompletionCreateParams = {\n  model: 'gpt-4o-mini',\n  messages: [{ role: 'user', content: 'Hi' }],\n};\nawait client.chat.completions.create(params);\n`,
    'missing',
    "  messages: [{ role: 'user', content: 'Hi' }],\n  max_completion_tokens: 1024,\n};",
  ],
  [
    'untyped let, streaming',
    'a.ts',
    `let body = { model: 'gpt-4o', messages: [], stream: true as const };\nconst stream = await openai.chat.completions.create(body);\n`,
    'missing',
    'stream: true as const, max_completion_tokens: 1024 }',
  ],
  [
    'spread of a same-file object',
    'a.ts',
    `const base = { model: 'gpt-4o', temperature: 0 };\nawait openai.chat.completions.create({ ...base, messages: [] });\n`,
    'missing',
  ],
  ['spread of a same-file object that sets the limit', 'a.ts', `const base = { model: 'gpt-4o', max_tokens: 300 };\nawait openai.chat.completions.create({ ...base, messages: [] });\n`, 'quiet'],
  [
    'builder function returning an object literal',
    'a.ts',
    `function buildParams(q: string) {\n  return { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: q }] };\n}\nawait openai.chat.completions.create(buildParams('x'));\n`,
    'missing',
    "content: q }], max_completion_tokens: 1024 }",
  ],
  ['arrow builder', 'a.ts', `const opts = () => ({ model: 'gpt-4o', input: 'Hi' });\nawait openai.responses.create(opts());\n`, 'missing', "input: 'Hi', max_output_tokens: 1024 }"],
  [
    'Vercel AI options variable',
    'a.ts',
    `import { generateText } from 'ai';\nconst options = { model: openai('gpt-4o'), prompt: 'Summarise' };\nconst { text } = await generateText(options);\n`,
    'missing',
    "prompt: 'Summarise', maxOutputTokens: 1024 }",
  ],
  ['a parameter: unknown', 'a.ts', `export async function run(params: ChatCompletionCreateParams) {\n  return openai.chat.completions.create(params);\n}\n`, 'quiet'],
  ['an import: unknown', 'a.ts', `import { params } from './config';\nawait openai.chat.completions.create(params);\n`, 'quiet'],
  ['a reassigned variable: unknown', 'a.ts', `let p = { model: 'gpt-4o', messages: [] };\np = load();\nawait openai.chat.completions.create(p);\n`, 'quiet'],
  ['a limit set after the literal', 'a.ts', `const p: any = { model: 'gpt-4o', messages: [] };\np.max_tokens = 100;\nawait openai.chat.completions.create(p);\n`, 'quiet'],
  ['a dynamic key: unknown', 'a.ts', `const p = { model: 'gpt-4o', messages: [], [limitKey]: 100 };\nawait openai.chat.completions.create(p);\n`, 'quiet'],
  ['shadowed name resolves to the inner binding', 'a.ts', `const p = { model: 'gpt-4o', messages: [], max_tokens: 5 };\nfunction f() {\n  const p = { model: 'gpt-4o', messages: [] };\n  return openai.chat.completions.create(p);\n}\n`, 'missing'],
];

const PY_RESOLUTION: Case[] = [
  ['**params dict variable', 'a.py', `params = {\n    "model": "gpt-4o-mini",\n    "messages": [{"role": "user", "content": "Hi"}],\n}\nclient.chat.completions.create(**params)\n`, 'missing', '"content": "Hi"}],\n    "max_completion_tokens": 1024,\n}'],
  ['with_raw_response chain', 'a.py', `raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[])\n`, 'missing', 'messages=[], max_completion_tokens=1024)'],
  ['with_streaming_response chain', 'a.py', `with client.responses.with_streaming_response.create(model="gpt-4.1", input="Hi") as r:\n    pass\n`, 'missing', 'max_output_tokens=1024'],
  ['.stream(...) chain', 'a.py', `with client.chat.completions.stream(model="gpt-4o", messages=[]) as s:\n    pass\n`, 'missing'],
  ['builder function returning a dict', 'a.py', `def build(q):\n    return {"model": "gpt-4o", "messages": [{"role": "user", "content": q}]}\n\nclient.chat.completions.create(**build("x"))\n`, 'missing', '"content": q}], "max_completion_tokens": 1024}'],
  ['dict(...) call', 'a.py', `kwargs = dict(model="gpt-4o", messages=[])\nclient.chat.completions.create(**kwargs)\n`, 'missing', 'dict(model="gpt-4o", messages=[], max_completion_tokens=1024)'],
  ['a function parameter: unknown', 'a.py', `def run(params):\n    return client.chat.completions.create(**params)\n`, 'quiet'],
  ['**kwargs passthrough: unknown', 'a.py', `def run(**kwargs):\n    return client.chat.completions.create(model="gpt-4o", messages=[], **kwargs)\n`, 'quiet'],
  ['a key set later', 'a.py', `params = {"model": "gpt-4o", "messages": []}\nparams["max_tokens"] = 100\nclient.chat.completions.create(**params)\n`, 'quiet'],
  ['params.update(...): unknown', 'a.py', `params = {"model": "gpt-4o", "messages": []}\nparams.update(extra)\nclient.chat.completions.create(**params)\n`, 'quiet'],
  ['config variable (google-genai)', 'a.py', `cfg = types.GenerateContentConfig(temperature=0)\nclient.models.generate_content(model="gemini-2.0-flash", contents="Hi", config=cfg)\n`, 'missing', 'GenerateContentConfig(temperature=0, max_output_tokens=1024)'],
];

const SPELLINGS: Case[] = [
  ['OpenAI chat max_tokens', 'a.ts', `await openai.chat.completions.create({ model: 'gpt-4o', messages: [], max_tokens: 100 });\n`, 'quiet'],
  ['OpenAI chat max_completion_tokens', 'a.py', `client.chat.completions.create(model="o3-mini", messages=[], max_completion_tokens=100)\n`, 'quiet'],
  ['OpenAI responses max_output_tokens', 'a.ts', `await openai.responses.create({ model: 'gpt-4.1', input: 'Hi', max_output_tokens: 100 });\n`, 'quiet'],
  ['Anthropic max_tokens (an SDK error)', 'a.ts', `await anthropic.messages.create({ model: 'claude-sonnet-4-0', messages: [] });\n`, 'missing', 'max_tokens: 1024'],
  ['@google/genai config.maxOutputTokens', 'a.ts', `await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi', config: { maxOutputTokens: 100 } });\n`, 'quiet'],
  ['google-genai config max_output_tokens', 'a.py', `client.models.generate_content(model="gemini-2.0-flash", contents="Hi", config={"max_output_tokens": 100})\n`, 'quiet'],
  [
    'google-generativeai GenerativeModel without generation_config',
    'a.py',
    `import google.generativeai as genai\nmodel = genai.GenerativeModel("gemini-1.5-flash")\nresponse = model.generate_content("Write a story")\n`,
    'missing',
    'GenerativeModel("gemini-1.5-flash", generation_config={"max_output_tokens": 1024})',
  ],
  ['google-generativeai generation_config on the model', 'a.py', `model = genai.GenerativeModel("gemini-1.5-flash", generation_config=genai.GenerationConfig(max_output_tokens=200))\n`, 'quiet'],
  ['google-generativeai generation_config on the call: unknown at the model', 'a.py', `model = genai.GenerativeModel("gemini-1.5-flash")\nmodel.generate_content("Hi", generation_config={"max_output_tokens": 50})\n`, 'quiet'],
  // A chat session's send_message takes generation_config per message too, and a per-call one overrides the model's own config.
  ['google-generativeai send_message with a limit: unknown at the model', 'a.py', `model = genai.GenerativeModel("gemini-1.5-flash")\nchat = model.start_chat()\nchat.send_message("Hi", generation_config={"max_output_tokens": 50})\n`, 'quiet'],
  ['google-generativeai send_message_async with a GenerationConfig', 'a.py', `model = genai.GenerativeModel("gemini-1.5-flash")\nchat = model.start_chat()\nawait chat.send_message_async("Hi", generation_config=genai.GenerationConfig(max_output_tokens=50))\n`, 'quiet'],
  ['google-generativeai per-call limit over a model config without one', 'a.py', `model = genai.GenerativeModel("gemini-1.5-flash", generation_config={"temperature": 0})\nmodel.generate_content("Hi", generation_config={"max_output_tokens": 50})\n`, 'quiet'],
  ['google-generativeai send_message without a limit', 'a.py', `model = genai.GenerativeModel("gemini-1.5-flash", generation_config={"temperature": 0})\nchat = model.start_chat()\nchat.send_message("Hi", generation_config={"temperature": 1})\n`, 'missing', '"max_output_tokens": 1024'],
  // google-genai's chat sends a message's own config instead of the chat's (`config if config else self._config`, `params.config ?? this.config`).
  ['google-genai chat send_message with a limit: unknown at chats.create', 'a.py', `from google import genai\nclient = genai.Client()\nchat = client.chats.create(model="gemini-2.0-flash")\nchat.send_message("Hi", config=types.GenerateContentConfig(max_output_tokens=100))\n`, 'quiet'],
  ['@google/genai chat sendMessage with a limit: unknown at chats.create', 'a.ts', `import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({});\nconst chat = ai.chats.create({ model: 'gemini-2.0-flash', history: [] });\nawait chat.sendMessageStream({ message: 'Hi', config: { maxOutputTokens: 100 } });\n`, 'quiet'],
  ['@google/genai chat sendMessage without a config', 'a.ts', `import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({});\nconst chat = ai.chats.create({ model: 'gemini-2.0-flash', history: [] });\nawait chat.sendMessage({ message: 'Hi' });\n`, 'missing', 'config: { maxOutputTokens: 1024 }'],
  ['@google/generative-ai getGenerativeModel', 'a.ts', `const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash' });\n`, 'missing', "generationConfig: { maxOutputTokens: 1024 }"],
  // The JS SDK merges a request's generationConfig over the model's, as the Python one does.
  ['@google/generative-ai generationConfig on a request: unknown at the model', 'a.ts', `const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash' });\nawait model.generateContent({ contents: [], generationConfig: { maxOutputTokens: 50 } });\n`, 'quiet'],
  ['@google/generative-ai startChat with a generationConfig: unknown at the model', 'a.ts', `const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash' });\nconst chat = model.startChat({ history: [], generationConfig: CONFIG });\n`, 'quiet'],
  ['@google/generative-ai requests without a limit', 'a.ts', `const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash' });\nawait model.generateContent('Hi');\nawait model.generateContent({ contents: [], generationConfig: { temperature: 0 } });\n`, 'missing', "generationConfig: { maxOutputTokens: 1024 }"],
  ['Vercel AI maxOutputTokens', 'a.ts', `await generateText({ model, prompt: 'Hi', maxOutputTokens: 100 });\n`, 'quiet'],
  ['Vercel AI legacy maxTokens', 'a.ts', `await streamText({ model, prompt: 'Hi', maxTokens: 100 });\n`, 'quiet'],
  ['LangChain JS constructor maxTokens', 'a.ts', `const llm = new ChatOpenAI({ model: 'gpt-4o-mini', maxTokens: 100 });\n`, 'quiet'],
  // ChatOpenAI sends its own maxTokens only: a bound one is dropped (frameworks/langchainjs-call-options.test.ts).
  ['LangChain JS .bind', 'a.ts', `const llm = new ChatOpenAI({ model: 'gpt-4o-mini' }).bind({ max_tokens: 100 });\n`, 'missing'],
  ['LangChain JS .bind on ChatGroq, which reads it', 'a.ts', `const llm = new ChatGroq({ model: 'llama-3.3-70b-versatile' });\nconst bounded = llm.bind({ max_tokens: 100 });\n`, 'quiet'],
  ['LangChain Python max_tokens', 'a.py', `llm = ChatOpenAI(model="gpt-4o-mini", max_tokens=100)\n`, 'quiet'],
  ['LangChain Python .bind', 'a.py', `llm = ChatOpenAI(model="gpt-4o-mini")\nchain = prompt | llm.bind(max_tokens=100)\n`, 'quiet'],
  ['LangChain Google max_output_tokens', 'a.py', `llm = ChatGoogleGenerativeAI(model="gemini-2.0-flash")\n`, 'missing', 'model="gemini-2.0-flash", max_output_tokens=1024)'],
  ['LiteLLM completion', 'a.py', `from litellm import completion\nresponse = completion(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])\n`, 'missing', 'max_tokens=1024)'],
  ['LiteLLM with max_tokens', 'a.py', `import litellm\nlitellm.completion(model="gpt-4o", messages=[], max_tokens=100)\n`, 'quiet'],
  ['completion() without litellm is not an LLM call', 'a.py', `completion(model="gpt-4o", messages=[])\n`, 'quiet'],
  ['OpenAI Agents SDK ModelSettings(max_tokens=…)', 'a.py', `from agents import Agent, ModelSettings\nagent = Agent(name="a", instructions="Be brief.", model_settings=ModelSettings(max_tokens=200))\n`, 'quiet'],
  ['OpenAI Agents SDK without a limit', 'a.py', `from agents import Agent, ModelSettings\nagent = Agent(name="a", instructions="Be brief.", model_settings=ModelSettings(temperature=0))\n`, 'missing', 'ModelSettings(temperature=0, max_tokens=1024)'],
  ['OpenAI Agents JS modelSettings.maxTokens', 'a.ts', `import { Agent } from '@openai/agents';\nconst agent = new Agent({ name: 'a', instructions: 'Hi', modelSettings: { maxTokens: 200 } });\n`, 'quiet'],
  ['Mistral Python chat.complete', 'a.py', `res = client.chat.complete(model="mistral-large-latest", messages=[{"role": "user", "content": "Hi"}])\n`, 'missing', 'max_tokens=1024)'],
  ['Mistral TS chat.complete maxTokens', 'a.ts', `await mistral.chat.complete({ model: 'mistral-small-latest', messages: [], maxTokens: 100 });\n`, 'quiet'],
  ['Cohere Python chat', 'a.py', `import cohere\nco = cohere.ClientV2()\nres = co.chat(model="command-r-plus", messages=[{"role": "user", "content": "Hi"}])\n`, 'missing', 'max_tokens=1024)'],
  ['Cohere TS chat maxTokens', 'a.ts', `import { CohereClientV2 } from 'cohere-ai';\nconst co = new CohereClientV2({});\nawait co.chat({ model: 'command-r-plus', messages: [], maxTokens: 100 });\n`, 'quiet'],
];

describe('dataflow: TypeScript/JavaScript arguments built elsewhere in the file', () => {
  it.each(TS_RESOLUTION)('%s', async (_n, path, code, expected, fixed) => check(path, code, expected, fixed));
});

describe('dataflow: Python arguments and wrapper chains', () => {
  it.each(PY_RESOLUTION)('%s', async (_n, path, code, expected, fixed) => check(path, code, expected, fixed));
});

describe('every mainstream spelling and place of an output limit', () => {
  it.each(SPELLINGS)('%s', async (_n, path, code, expected, fixed) => check(path, code, expected, fixed));
});

describe('dataflow: a let assigned a new object in branches', () => {
  const agent = (branches: string) =>
    `import { Agent } from '@openai/agents';\nexport function make(option: string, loaded: ModelSettings) {\n  let modelSettings: ModelSettings = {};\n${branches}\n  return new Agent({ name: 'a', instructions: 'Be brief.', modelSettings });\n}\n`;
  const limitFindings = async (code: string) => (await analyzeFile({ path: 'a.ts', text: code })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));

  it('every branch without a limit: missing, and no quick fix (no single place to insert it)', async () => {
    const found = await limitFindings(agent(`  if (option === 'first') modelSettings = { toolChoice: 'required' };\n  else modelSettings = { toolChoice: 'auto' };`));
    expect(found).toHaveLength(1);
    expect(found[0]!.range.start.line).toBe(5);
    expect(found[0]!.fixes).toEqual([]);
  });

  it('a limit in any branch: quiet', async () => {
    expect(await limitFindings(agent(`  if (option === 'first') modelSettings = { toolChoice: 'required', maxTokens: 500 };`))).toEqual([]);
  });

  it('a branch the analysis cannot see (a parameter), or a compound assignment: quiet', async () => {
    expect(await limitFindings(agent(`  if (option === 'first') modelSettings = loaded;`))).toEqual([]);
    expect(await limitFindings(agent(`  modelSettings ||= { toolChoice: 'auto' };`))).toEqual([]);
  });

  it('an assignment to a shadowing binding of the same name belongs to that binding', async () => {
    const code = agent(`  {\n    let modelSettings = {};\n    modelSettings = loaded;\n    void modelSettings;\n  }`);
    expect(await limitFindings(code)).toHaveLength(1);
  });

  it('chat arguments assigned in branches: missing, and the lens says the prompt is not visible', async () => {
    const code = `let p = { model: 'gpt-4o', messages: [{ role: 'user', content: 'A' }] };\nif (x) p = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'B' }] };\nawait openai.chat.completions.create(p);\n`;
    const r = await analyzeFile({ path: 'a.ts', text: code });
    expect(r.diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId))).toHaveLength(1);
    expect(r.calls[0]!.unseen).toContain('arguments');
  });
});

describe('dataflow: a Python variable assigned dicts in branches', () => {
  const limitFindings = async (code: string) => (await analyzeFile({ path: 'a.py', text: code })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));
  const branches = (ifDict: string, elseDict: string) =>
    `def ask(q, stream):\n    if stream:\n        params = ${ifDict}\n    else:\n        params = ${elseDict}\n    return client.chat.completions.create(**params)\n`;

  it('every branch without a limit: missing, no quick fix, and the lens says the arguments are not visible', async () => {
    const code = branches(`{"model": "gpt-4o", "messages": [{"role": "user", "content": q}], "stream": True}`, `{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": q}]}`);
    const found = await limitFindings(code);
    expect(found).toHaveLength(1);
    expect(found[0]!.range.start.line).toBe(5);
    expect(found[0]!.fixes).toEqual([]);
    const r = await analyzeFile({ path: 'a.py', text: code });
    expect(r.calls[0]!.unseen).toContain('arguments');
  });

  it('a limit in any branch, or a key set after the branches: quiet', async () => {
    expect(await limitFindings(branches(`{"model": "gpt-4o", "messages": [], "max_tokens": 300}`, `{"model": "gpt-4o", "messages": []}`))).toEqual([]);
    const later = `if stream:\n    params = {"model": "gpt-4o", "messages": []}\nelse:\n    params = {"model": "gpt-4o-mini", "messages": []}\nparams["max_completion_tokens"] = 500\nclient.chat.completions.create(**params)\n`;
    expect(await limitFindings(later)).toEqual([]);
  });

  it('a branch the analysis cannot read (a call result, a compound assignment): quiet', async () => {
    expect(await limitFindings(branches(`{"model": "gpt-4o", "messages": []}`, `load_params()`))).toEqual([]);
    const compound = `params = {"model": "gpt-4o", "messages": []}\nif extra:\n    params |= extra\nclient.chat.completions.create(**params)\n`;
    expect(await limitFindings(compound)).toEqual([]);
  });

  it('a nested config assigned in branches: missing without a fix; a limit in one branch: quiet', async () => {
    const genai = (a: string, b: string) =>
      `from google import genai\nclient = genai.Client()\nif fast:\n    cfg = ${a}\nelse:\n    cfg = ${b}\nclient.models.generate_content(model="gemini-2.0-flash", contents="Hi", config=cfg)\n`;
    const found = await limitFindings(genai(`{"temperature": 0}`, `{"temperature": 1}`));
    expect(found).toHaveLength(1);
    expect(found[0]!.fixes).toEqual([]);
    expect(await limitFindings(genai(`{"temperature": 0, "max_output_tokens": 200}`, `{"temperature": 1}`))).toEqual([]);
  });
});
