/**
 * Call sites of LLM frameworks the output-limit lint was not written against (see README.md).
 * Each is a small realistic file, written from the framework's public docs, labelled:
 * - `missing`: a generation call whose output limit is never set and has no framework default — must
 *   be flagged, and the fix must insert one of `keys` (inside `inside`, when nested);
 * - `present`: a limit (or the framework's own default) reaches the model — no finding;
 * - `unknowable`: the limit lives where the file cannot see (another file, a parameter) — no finding;
 * - `none`: not a text-generation call, or a framework with no output-limit concept — no finding.
 * Every third case of each language is held out (`held`), see README.md.
 */
export type Expect = 'missing' | 'present' | 'unknowable' | 'none';

export interface FrameworkCase {
  id: string;
  framework: string;
  path: string;
  text: string;
  expect: Expect;
  /** The model the call uses (for reading; a label, not asserted). */
  model?: string;
  /** The key the quick fix must insert (any of these). */
  keys?: string[];
  /** The argument the key must end up inside, when nested. */
  inside?: string;
  held?: boolean;
}

interface Extra {
  model?: string;
  keys?: string[];
  inside?: string;
}

const make =
  (ext: string) =>
  (id: string, framework: string, expect: Expect, lines: string[], extra: Extra = {}): FrameworkCase => ({
    id,
    framework,
    path: `${id}.${ext}`,
    text: `${lines.join('\n')}\n`,
    expect,
    ...extra,
  });
const py = make('py');
const ts = make('ts');
const mjs = make('mjs');

const PY: FrameworkCase[] = [
  // ── google-genai ──
  py(
    'genai_config_missing',
    'google-genai',
    'missing',
    [
      'from google import genai',
      'from google.genai import types',
      '',
      'client = genai.Client()',
      '',
      'def summarise(text: str) -> str:',
      '    response = client.models.generate_content(',
      '        model="gemini-2.5-flash",',
      '        contents=text,',
      '        config=types.GenerateContentConfig(system_instruction="Summarise in one paragraph.", temperature=0.2),',
      '    )',
      '    return response.text',
    ],
    { model: 'gemini-2.5-flash', keys: ['max_output_tokens'], inside: 'GenerateContentConfig' },
  ),
  py('genai_config_set', 'google-genai', 'present', [
    'from google import genai',
    'from google.genai import types',
    'client = genai.Client(vertexai=True, project="acme", location="us-central1")',
    'resp = client.models.generate_content(model="gemini-2.0-flash-001", contents="Hi", config=types.GenerateContentConfig(max_output_tokens=400))',
  ]),
  py(
    'genai_dict_config_missing',
    'google-genai',
    'missing',
    [
      'from google import genai',
      'client = genai.Client()',
      'resp = client.models.generate_content(',
      '    model="gemini-2.0-flash",',
      '    contents=["Describe this picture"],',
      '    config={"temperature": 0.1, "response_mime_type": "text/plain"},',
      ')',
    ],
    { model: 'gemini-2.0-flash', keys: ['max_output_tokens'], inside: 'config' },
  ),
  py(
    'genai_async_stream_missing',
    'google-genai',
    'missing',
    [
      'from google import genai',
      'client = genai.Client()',
      '',
      'async def stream(prompt: str):',
      '    async for chunk in await client.aio.models.generate_content_stream(model="gemini-2.0-flash", contents=prompt):',
      '        print(chunk.text, end="")',
    ],
    { model: 'gemini-2.0-flash', keys: ['max_output_tokens'], inside: 'config' },
  ),
  py('genai_config_param', 'google-genai', 'unknowable', [
    'from google import genai',
    'client = genai.Client()',
    '',
    'def ask(prompt, cfg):',
    '    return client.models.generate_content(model="gemini-2.0-flash", contents=prompt, config=cfg).text',
  ]),
  py('genai_embed', 'google-genai', 'none', [
    'from google import genai',
    'client = genai.Client()',
    'result = client.models.embed_content(model="text-embedding-004", contents="What is the meaning of life?")',
    'tokens = client.models.count_tokens(model="gemini-2.0-flash", contents="What is your name?")',
  ]),
  // ── boto3 Bedrock ──
  py(
    'bedrock_converse_cfg_var',
    'boto3-bedrock',
    'missing',
    [
      'import boto3',
      '',
      'bedrock = boto3.client("bedrock-runtime", region_name="us-west-2")',
      'inference_config = {"temperature": 0.3, "topP": 0.9}',
      '',
      'def chat(messages):',
      '    out = bedrock.converse(modelId="anthropic.claude-3-5-haiku-20241022-v1:0", messages=messages, inferenceConfig=inference_config)',
      '    return out["output"]["message"]',
    ],
    { model: 'claude-3-5-haiku', keys: ['maxTokens'], inside: 'inference_config = ' },
  ),
  py('bedrock_invoke_anthropic_set', 'boto3-bedrock', 'present', [
    'import json',
    'import boto3',
    'client = boto3.client("bedrock-runtime")',
    'body = json.dumps({',
    '    "anthropic_version": "bedrock-2023-05-31",',
    '    "max_tokens": 512,',
    '    "messages": [{"role": "user", "content": "Hello"}],',
    '})',
    'response = client.invoke_model(modelId="anthropic.claude-3-haiku-20240307-v1:0", body=body)',
  ]),
  py('bedrock_invoke_event_body', 'boto3-bedrock', 'unknowable', [
    'import boto3',
    'runtime = boto3.client("bedrock-runtime")',
    '',
    'def handler(event, context):',
    '    resp = runtime.invoke_model(modelId=event["model"], body=event["body"])',
    '    return resp["body"].read()',
  ]),
  py('bedrock_invoke_embedding', 'boto3-bedrock', 'none', [
    'import json',
    'import boto3',
    'brt = boto3.client("bedrock-runtime")',
    'resp = brt.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "hello", "dimensions": 512}))',
  ]),
  py('bedrock_converse_stream_set', 'boto3-bedrock', 'present', [
    'import boto3',
    'client = boto3.client("bedrock-runtime")',
    'cfg = {"maxTokens": 300}',
    'stream = client.converse_stream(modelId="amazon.nova-pro-v1:0", messages=[], inferenceConfig=cfg)',
  ]),
  // ── instructor ──
  py(
    'instructor_openai_missing',
    'instructor',
    'missing',
    [
      'import instructor',
      'from openai import OpenAI',
      'from pydantic import BaseModel',
      '',
      'class User(BaseModel):',
      '    name: str',
      '    age: int',
      '',
      'client = instructor.from_openai(OpenAI())',
      'user = client.chat.completions.create(',
      '    model="gpt-4o-mini",',
      '    response_model=User,',
      '    messages=[{"role": "user", "content": "John is 25 years old"}],',
      ')',
    ],
    { model: 'gpt-4o-mini', keys: ['max_tokens', 'max_completion_tokens'] },
  ),
  py('instructor_openai_set', 'instructor', 'present', [
    'import instructor',
    'from openai import OpenAI',
    'client = instructor.from_openai(OpenAI(), mode=instructor.Mode.JSON)',
    'def extract(text, model_cls):',
    '    return client.chat.completions.create(model="gpt-4o", response_model=model_cls, max_tokens=300, messages=[{"role": "user", "content": text}])',
  ]),
  py(
    'instructor_patch_missing',
    'instructor',
    'missing',
    [
      'import instructor',
      'import openai',
      'client = instructor.patch(openai.OpenAI())',
      'def classify(text, Label):',
      '    return client.chat.completions.create(model="gpt-4o", response_model=Label, max_retries=2, messages=[{"role": "user", "content": text}])',
    ],
    { model: 'gpt-4o', keys: ['max_tokens', 'max_completion_tokens'] },
  ),
  py(
    'instructor_anthropic_missing',
    'instructor',
    'missing',
    [
      'import instructor',
      'from anthropic import Anthropic',
      'client = instructor.from_anthropic(Anthropic())',
      'def extract(text, Model):',
      '    return client.messages.create(model="claude-3-5-haiku-20241022", response_model=Model, messages=[{"role": "user", "content": text}])',
    ],
    { model: 'claude-3-5-haiku', keys: ['max_tokens'] },
  ),
  py('instructor_anthropic_set', 'instructor', 'present', [
    'import instructor',
    'import anthropic',
    'client = instructor.from_anthropic(anthropic.Anthropic())',
    'resp = client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, response_model=dict, messages=[])',
  ]),
  // ── Pydantic AI ──
  py(
    'pydantic_ai_agent_missing',
    'pydantic-ai',
    'missing',
    [
      'from pydantic_ai import Agent',
      '',
      "agent = Agent('openai:gpt-4o', system_prompt='Be concise, reply with one sentence.')",
      '',
      "result = agent.run_sync('Where does \"hello world\" come from?')",
      'print(result.output)',
    ],
    { model: 'gpt-4o', keys: ['max_tokens'], inside: 'model_settings' },
  ),
  py('pydantic_ai_agent_set', 'pydantic-ai', 'present', [
    'from pydantic_ai import Agent',
    "agent = Agent('openai:gpt-4o-mini', model_settings={'max_tokens': 400, 'temperature': 0.0})",
    "print(agent.run_sync('What is the capital of Italy?').output)",
  ]),
  py('pydantic_ai_settings_obj', 'pydantic-ai', 'present', [
    'from pydantic_ai import Agent',
    'from pydantic_ai.settings import ModelSettings',
    'from pydantic_ai.models.openai import OpenAIChatModel',
    "model = OpenAIChatModel('gpt-4.1-mini')",
    'agent = Agent(model, output_type=str, model_settings=ModelSettings(max_tokens=256))',
  ]),
  py('pydantic_ai_run_settings', 'pydantic-ai', 'present', [
    'from pydantic_ai import Agent',
    "agent = Agent('openai:gpt-4o')",
    "result = agent.run_sync('Tell me a joke.', model_settings={'max_tokens': 120})",
  ]),
  py('pydantic_ai_anthropic_default', 'pydantic-ai', 'present', [
    'from pydantic_ai import Agent',
    "agent = Agent('anthropic:claude-3-5-sonnet-latest', instructions='Reply briefly.')",
    "print(agent.run_sync('hi').output)",
  ]),
  // ── DSPy ──
  py(
    'dspy_lm_missing',
    'dspy',
    'missing',
    [
      'import dspy',
      '',
      'lm = dspy.LM("openai/gpt-4o-mini", api_key="YOUR_OPENAI_API_KEY")',
      'dspy.configure(lm=lm)',
      'qa = dspy.Predict("question -> answer")',
      'print(qa(question="What is the capital of France?").answer)',
    ],
    { model: 'gpt-4o-mini', keys: ['max_tokens'] },
  ),
  py('dspy_lm_set', 'dspy', 'present', [
    'import dspy',
    "dspy.configure(lm=dspy.LM('anthropic/claude-3-5-sonnet-20240620', max_tokens=2000, temperature=0.0))",
  ]),
  py('dspy_modules_only', 'dspy', 'none', [
    'import dspy',
    '',
    'class RAG(dspy.Module):',
    '    def __init__(self):',
    '        self.respond = dspy.ChainOfThought("context, question -> response")',
    '',
    '    def forward(self, question):',
    '        return self.respond(context=[], question=question)',
  ]),
  // ── LlamaIndex ──
  py('llamaindex_anthropic_default', 'llamaindex', 'present', [
    'from llama_index.llms.anthropic import Anthropic',
    'from llama_index.core import Settings',
    'Settings.llm = Anthropic(model="claude-3-5-sonnet-20241022", temperature=0.2)',
  ]),
  py(
    'llamaindex_settings_missing',
    'llamaindex',
    'missing',
    [
      'from llama_index.core import Settings, VectorStoreIndex, SimpleDirectoryReader',
      'from llama_index.llms.openai import OpenAI',
      '',
      'Settings.llm = OpenAI(model="gpt-4o", temperature=0)',
      'index = VectorStoreIndex.from_documents(SimpleDirectoryReader("data").load_data())',
      'print(index.as_query_engine().query("What did the author do growing up?"))',
    ],
    { model: 'gpt-4o', keys: ['max_tokens'] },
  ),
  py(
    'llamaindex_gemini_missing',
    'llamaindex',
    'missing',
    [
      'from llama_index.llms.google_genai import GoogleGenAI',
      'llm = GoogleGenAI(model="gemini-2.0-flash")',
      'resp = llm.complete("Who is Paul Graham?")',
    ],
    { model: 'gemini-2.0-flash', keys: ['max_tokens'] },
  ),
  py('llamaindex_embedding', 'llamaindex', 'none', [
    'from llama_index.embeddings.openai import OpenAIEmbedding',
    'from llama_index.core import Settings',
    'Settings.embed_model = OpenAIEmbedding(model="text-embedding-3-small", embed_batch_size=100)',
  ]),
  // ── Haystack ──
  py(
    'haystack_chat_missing',
    'haystack',
    'missing',
    [
      'from haystack.components.generators.chat import OpenAIChatGenerator',
      'from haystack.dataclasses import ChatMessage',
      '',
      'generator = OpenAIChatGenerator(model="gpt-4o-mini")',
      'reply = generator.run(messages=[ChatMessage.from_user("What is NLP?")])',
    ],
    { model: 'gpt-4o-mini', keys: ['max_tokens', 'max_completion_tokens'], inside: 'generation_kwargs' },
  ),
  py('haystack_chat_set', 'haystack', 'present', [
    'from haystack.components.generators.chat import OpenAIChatGenerator',
    'llm = OpenAIChatGenerator(model="gpt-4o", generation_kwargs={"max_tokens": 512, "temperature": 0.3})',
  ]),
  py(
    'haystack_kwargs_missing',
    'haystack',
    'missing',
    [
      'from haystack import Pipeline',
      'from haystack.components.generators import OpenAIGenerator',
      'pipe = Pipeline()',
      'pipe.add_component("llm", OpenAIGenerator(model="gpt-4o", generation_kwargs={"temperature": 0}))',
    ],
    { model: 'gpt-4o', keys: ['max_tokens', 'max_completion_tokens'], inside: 'generation_kwargs' },
  ),
  py('haystack_anthropic_default', 'haystack', 'present', [
    'from haystack_integrations.components.generators.anthropic import AnthropicChatGenerator',
    'generator = AnthropicChatGenerator(model="claude-3-5-sonnet-20240620")',
  ]),
  // ── smolagents ──
  py(
    'smolagents_litellm_missing',
    'smolagents',
    'missing',
    [
      'from smolagents import CodeAgent, LiteLLMModel',
      '',
      'model = LiteLLMModel(model_id="gpt-4o")',
      'agent = CodeAgent(tools=[], model=model)',
      'agent.run("How many seconds are there in a leap year?")',
    ],
    { model: 'gpt-4o', keys: ['max_tokens'] },
  ),
  py('smolagents_openai_set', 'smolagents', 'present', [
    'from smolagents import ToolCallingAgent, OpenAIServerModel',
    'model = OpenAIServerModel(model_id="gpt-4o-mini", api_base="https://api.openai.com/v1", max_tokens=1000)',
    'agent = ToolCallingAgent(tools=[], model=model)',
  ]),
  // ── CrewAI ──
  py(
    'crewai_llm_missing',
    'crewai',
    'missing',
    [
      'from crewai import Agent, LLM',
      '',
      'llm = LLM(model="gpt-4o", temperature=0.7)',
      'researcher = Agent(role="Researcher", goal="Find facts", backstory="A careful analyst.", llm=llm)',
    ],
    { model: 'gpt-4o', keys: ['max_tokens', 'max_completion_tokens'] },
  ),
  py('crewai_llm_set', 'crewai', 'present', [
    'from crewai import LLM',
    'llm = LLM(model="anthropic/claude-3-5-sonnet-20241022", max_tokens=4096, temperature=0.2)',
  ]),
  py('crewai_agent_string_llm', 'crewai', 'unknowable', [
    'from crewai import Agent, Crew, Task',
    '',
    'writer = Agent(role="Writer", goal="Write a blog post", backstory="An experienced writer.", llm="gpt-4o")',
    'task = Task(description="Write about AI", expected_output="A post", agent=writer)',
    'Crew(agents=[writer], tasks=[task]).kickoff()',
  ]),
  // ── Semantic Kernel ──
  py(
    'sk_settings_missing',
    'semantic-kernel',
    'missing',
    [
      'from semantic_kernel.connectors.ai.open_ai import OpenAIChatCompletion, OpenAIChatPromptExecutionSettings',
      'from semantic_kernel.contents import ChatHistory',
      '',
      'service = OpenAIChatCompletion(ai_model_id="gpt-4o-mini")',
      'settings = OpenAIChatPromptExecutionSettings(temperature=0.2)',
      '',
      'async def reply(history: ChatHistory):',
      '    return await service.get_chat_message_content(chat_history=history, settings=settings)',
    ],
    { model: 'gpt-4o-mini', keys: ['max_tokens', 'max_completion_tokens'], inside: 'OpenAIChatPromptExecutionSettings' },
  ),
  py('sk_settings_set', 'semantic-kernel', 'present', [
    'from semantic_kernel.connectors.ai.open_ai import OpenAIChatPromptExecutionSettings',
    'settings = OpenAIChatPromptExecutionSettings(max_tokens=800, temperature=0.5)',
  ]),
  // ── ollama-python ──
  py(
    'ollama_chat_missing',
    'ollama',
    'missing',
    [
      'import ollama',
      '',
      "response = ollama.chat(model='llama3.1', messages=[{'role': 'user', 'content': 'Why is the sky blue?'}])",
      "print(response['message']['content'])",
    ],
    { model: 'llama3.1', keys: ['num_predict'], inside: 'options' },
  ),
  py('ollama_chat_set', 'ollama', 'present', [
    'from ollama import chat',
    "r = chat(model='qwen2.5', messages=[], options={'num_predict': 256, 'temperature': 0})",
  ]),
  py(
    'ollama_client_generate_missing',
    'ollama',
    'missing',
    [
      'from ollama import Client',
      "client = Client(host='http://localhost:11434')",
      "out = client.generate(model='mistral', prompt='Write a limerick', options={'temperature': 0.8})",
    ],
    { model: 'mistral', keys: ['num_predict'], inside: 'options' },
  ),
  py('ollama_async_set', 'ollama', 'present', [
    'from ollama import AsyncClient',
    '',
    'async def main():',
    "    r = await AsyncClient().chat(model='llama3.2', messages=[{'role': 'user', 'content': 'hi'}], options={'num_predict': 100})",
  ]),
  py('ollama_embed', 'ollama', 'none', [
    'import ollama',
    "vec = ollama.embed(model='nomic-embed-text', input='The sky is blue')",
    "ollama.pull('llama3.1')",
  ]),
  // ── OpenAI clones ──
  py(
    'groq_async_stream_missing',
    'groq',
    'missing',
    [
      'from groq import AsyncGroq',
      'client = AsyncGroq()',
      '',
      'async def main():',
      '    stream = await client.chat.completions.create(model="llama-3.3-70b-versatile", messages=[{"role": "user", "content": "Explain LPUs"}], stream=True)',
      '    async for chunk in stream:',
      '        print(chunk.choices[0].delta.content or "", end="")',
    ],
    { model: 'llama-3.3-70b-versatile', keys: ['max_tokens', 'max_completion_tokens'] },
  ),
  py('together_set', 'together', 'present', [
    'from together import Together',
    'client = Together()',
    'r = client.chat.completions.create(model="meta-llama/Llama-3.3-70B-Instruct-Turbo", messages=[], max_tokens=512)',
  ]),
  py(
    'fireworks_missing',
    'fireworks',
    'missing',
    [
      'from fireworks.client import Fireworks',
      'client = Fireworks()',
      'response = client.chat.completions.create(',
      '    model="accounts/fireworks/models/llama-v3p1-8b-instruct",',
      '    messages=[{"role": "user", "content": "Say this is a test"}],',
      ')',
    ],
    { model: 'llama-v3p1-8b-instruct', keys: ['max_tokens'] },
  ),
  py(
    'async_azure_missing',
    'openai-azure',
    'missing',
    [
      'import os',
      'from openai import AsyncAzureOpenAI',
      '',
      'client = AsyncAzureOpenAI(api_version="2024-02-01", azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"])',
      '',
      'async def ask(q: str) -> str:',
      '    r = await client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])',
      '    return r.choices[0].message.content',
    ],
    { model: 'gpt-4o', keys: ['max_tokens'] },
  ),
  py('openai_audio_images', 'openai', 'none', [
    'from openai import OpenAI',
    'client = OpenAI()',
    'speech = client.audio.speech.create(model="gpt-4o-mini-tts", voice="coral", input="Today is a wonderful day")',
    'img = client.images.generate(model="gpt-image-1", prompt="A cute baby sea otter")',
  ]),
  // ── added after the lint was read: names other libraries share, limits set after construction ──
  py('sk_settings_attribute', 'semantic-kernel', 'present', [
    'from semantic_kernel.connectors.ai.open_ai import OpenAIChatPromptExecutionSettings',
    'settings = OpenAIChatPromptExecutionSettings(service_id="chat")',
    'settings.max_tokens = 2000',
    'settings.temperature = 0.7',
  ]),
  py('vllm_offline', 'vllm', 'none', [
    'from vllm import LLM, SamplingParams',
    'llm = LLM(model="facebook/opt-125m")',
    'outputs = llm.generate(["Hello, my name is"], SamplingParams(temperature=0.8, top_p=0.95))',
  ]),
  py('own_chat_helper', 'project', 'none', ['from myapp.llm import chat', 'reply = chat(model="llama3", messages=[])']),
  // AnthropicModel names the provider: Pydantic AI's own 4,096 for Anthropic bounds the reply.
  py('pydantic_ai_model_object', 'pydantic-ai', 'present', [
    'from pydantic_ai import Agent',
    'from pydantic_ai.models.anthropic import AnthropicModel',
    "model = AnthropicModel('claude-3-5-sonnet-latest')",
    'agent = Agent(model)',
  ]),
  py('haystack_run_kwargs', 'haystack', 'present', [
    'from haystack.components.generators.chat import OpenAIChatGenerator',
    'from haystack.dataclasses import ChatMessage',
    'llm = OpenAIChatGenerator(model="gpt-4o-mini")',
    'res = llm.run([ChatMessage.from_user("hi")], generation_kwargs={"max_tokens": 200})',
  ]),
  py(
    'crewai_llm_attribute_missing',
    'crewai',
    'missing',
    ['from crewai import LLM', 'llm = LLM(model="gpt-4o-mini")', 'llm.temperature = 0.1'],
    { model: 'gpt-4o-mini', keys: ['max_tokens'] },
  ),
];

const TS: FrameworkCase[] = [
  // ── Mastra ──
  ts(
    'mastra-generate-missing',
    'mastra',
    'missing',
    [
      "import { openai } from '@ai-sdk/openai';",
      "import { Agent } from '@mastra/core/agent';",
      '',
      'export const weatherAgent = new Agent({',
      "  name: 'weather-agent',",
      "  instructions: 'You answer questions about the weather.',",
      "  model: openai('gpt-4o'),",
      '});',
      '',
      "export const answer = await weatherAgent.generate('What is the weather in Paris?');",
    ],
    { model: 'gpt-4o', keys: ['maxOutputTokens'], inside: 'modelSettings' },
  ),
  ts('mastra-generate-set', 'mastra', 'present', [
    "import { Agent } from '@mastra/core/agent';",
    "const agent = new Agent({ id: 'poet', name: 'Poet', instructions: 'Write poems.', model: 'openai/gpt-4o-mini' });",
    "export const r = await agent.generate('Write a short poem', { modelSettings: { maxOutputTokens: 200, temperature: 0.7 } });",
  ]),
  ts('mastra-agent-only', 'mastra', 'unknowable', [
    "import { Agent } from '@mastra/core/agent';",
    "export const support = new Agent({ id: 'support', name: 'Support', instructions: 'Help customers.', model: 'anthropic/claude-sonnet-4-5' });",
  ]),
  // ── @google/genai ──
  ts(
    'genai-ts-config-missing',
    'google-genai',
    'missing',
    [
      "import { GoogleGenAI } from '@google/genai';",
      '',
      'const ai = new GoogleGenAI({});',
      'export async function haiku(topic: string) {',
      '  const response = await ai.models.generateContent({',
      "    model: 'gemini-2.5-flash',",
      '    contents: `Write a haiku about ${topic}`,',
      "    config: { systemInstruction: 'You are a poet.', temperature: 0.9 },",
      '  });',
      '  return response.text;',
      '}',
    ],
    { model: 'gemini-2.5-flash', keys: ['maxOutputTokens'], inside: 'config' },
  ),
  ts('genai-ts-stream-set', 'google-genai', 'present', [
    "import { GoogleGenAI } from '@google/genai';",
    'const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });',
    "export const stream = ai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'Tell me a story', config: { maxOutputTokens: 256 } });",
  ]),
  ts(
    'genai-ts-chat-missing',
    'google-genai',
    'missing',
    [
      "import { GoogleGenAI } from '@google/genai';",
      'const ai = new GoogleGenAI({});',
      "const chat = ai.chats.create({ model: 'gemini-2.0-flash', config: { temperature: 0.5 } });",
      "export const reply = await chat.sendMessage({ message: 'I have 2 dogs in my house.' });",
    ],
    { model: 'gemini-2.0-flash', keys: ['maxOutputTokens'], inside: 'config' },
  ),
  ts('genai-ts-embed', 'google-genai', 'none', [
    "import { GoogleGenAI } from '@google/genai';",
    'const ai = new GoogleGenAI({});',
    "export const e = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'What is the meaning of life?' });",
    "export const n = await ai.models.countTokens({ model: 'gemini-2.0-flash', contents: 'hello' });",
  ]),
  // ── AWS SDK v3 ──
  ts(
    'bedrock-ts-input-var-missing',
    'aws-sdk-bedrock',
    'missing',
    [
      "import { BedrockRuntimeClient, ConverseCommand, type ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';",
      '',
      "const client = new BedrockRuntimeClient({ region: 'us-east-1' });",
      'export async function ask(text: string) {',
      '  const input: ConverseCommandInput = {',
      "    modelId: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',",
      "    messages: [{ role: 'user', content: [{ text }] }],",
      '  };',
      '  const response = await client.send(new ConverseCommand(input));',
      '  return response.output?.message?.content?.[0]?.text;',
      '}',
    ],
    { model: 'claude-3-5-sonnet-20241022', keys: ['maxTokens'], inside: 'inferenceConfig' },
  ),
  ts('bedrock-ts-invoke-set', 'aws-sdk-bedrock', 'present', [
    "import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';",
    'const client = new BedrockRuntimeClient({});',
    'export const res = await client.send(new InvokeModelCommand({',
    "  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',",
    "  contentType: 'application/json',",
    "  body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 1000, messages: [{ role: 'user', content: 'Hi' }] }),",
    '}));',
  ]),
  ts('bedrock-ts-list-models', 'aws-sdk-bedrock', 'none', [
    "import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';",
    "const client = new BedrockClient({ region: 'us-east-1' });",
    'export const models = await client.send(new ListFoundationModelsCommand({}));',
  ]),
  // ── LlamaIndex.TS ──
  ts(
    'llamaindex-ts-missing',
    'llamaindex-ts',
    'missing',
    [
      "import { OpenAI } from '@llamaindex/openai';",
      "import { Settings } from 'llamaindex';",
      '',
      "Settings.llm = new OpenAI({ model: 'gpt-4o', temperature: 0 });",
    ],
    { model: 'gpt-4o', keys: ['maxTokens'] },
  ),
  ts('llamaindex-ts-set', 'llamaindex-ts', 'present', [
    "import { OpenAI } from '@llamaindex/openai';",
    "const llm = new OpenAI({ model: 'gpt-4o-mini', temperature: 0.1, maxTokens: 512 });",
    "export const r = await llm.chat({ messages: [{ role: 'user', content: 'What is LlamaIndex?' }] });",
  ]),
  ts('llamaindex-ts-anthropic-default', 'llamaindex-ts', 'present', [
    "import { Anthropic } from '@llamaindex/anthropic';",
    "const llm = new Anthropic({ model: 'claude-3-7-sonnet' });",
    "export const r = await llm.chat({ messages: [{ role: 'user', content: 'Hello' }] });",
  ]),
  // ── ollama JS ──
  ts(
    'ollama-js-chat-missing',
    'ollama',
    'missing',
    [
      "import ollama from 'ollama';",
      '',
      'export async function ask(content: string) {',
      "  const response = await ollama.chat({ model: 'llama3.1', messages: [{ role: 'user', content }] });",
      '  return response.message.content;',
      '}',
    ],
    { model: 'llama3.1', keys: ['num_predict'], inside: 'options' },
  ),
  ts('ollama-js-chat-set', 'ollama', 'present', [
    "import ollama from 'ollama';",
    "export const r = await ollama.chat({ model: 'qwen2.5', messages: [], options: { num_predict: 200, temperature: 0 } });",
  ]),
  ts(
    'ollama-js-client-generate',
    'ollama',
    'missing',
    [
      "import { Ollama } from 'ollama';",
      "const client = new Ollama({ host: 'http://127.0.0.1:11434' });",
      "export const stream = await client.generate({ model: 'mistral', prompt: 'Why is the sky blue?', stream: true });",
    ],
    { model: 'mistral', keys: ['num_predict'], inside: 'options' },
  ),
  ts('ollama-js-embed', 'ollama', 'none', [
    "import ollama from 'ollama';",
    "export const v = await ollama.embed({ model: 'nomic-embed-text', input: 'The sky is blue' });",
    'export const list = await ollama.list();',
  ]),
  // ── AI SDK 5/6 ──
  ts(
    'ai-toolloop-missing',
    'ai-sdk',
    'missing',
    [
      "import { openai } from '@ai-sdk/openai';",
      "import { ToolLoopAgent } from 'ai';",
      '',
      'const agent = new ToolLoopAgent({',
      "  model: openai('gpt-4o'),",
      "  instructions: 'You are a helpful research assistant.',",
      '  tools: {},',
      '});',
      "export const result = await agent.generate({ prompt: 'Summarise the latest AI news' });",
    ],
    { model: 'gpt-4o', keys: ['maxOutputTokens'] },
  ),
  ts('ai-toolloop-set', 'ai-sdk', 'present', [
    "import { openai } from '@ai-sdk/openai';",
    "import { ToolLoopAgent } from 'ai';",
    "export const agent = new ToolLoopAgent({ model: openai('gpt-4o-mini'), maxOutputTokens: 1000, tools: {} });",
  ]),
  ts(
    'ai-experimental-agent-missing',
    'ai-sdk',
    'missing',
    [
      "import { Experimental_Agent as Agent } from 'ai';",
      'const agent = new Agent({',
      "  model: 'openai/gpt-4o-mini',",
      "  system: 'You are a coding agent.',",
      '  tools: {},',
      '});',
      "export const r = await agent.generate({ prompt: 'Refactor this function' });",
    ],
    { model: 'gpt-4o-mini', keys: ['maxOutputTokens'] },
  ),
  ts(
    'ai-generate-object-anthropic',
    'ai-sdk',
    'missing',
    [
      "import { anthropic } from '@ai-sdk/anthropic';",
      "import { generateObject } from 'ai';",
      "import { z } from 'zod';",
      'export const { object } = await generateObject({',
      "  model: anthropic('claude-3-5-haiku-latest'),",
      '  schema: z.object({ title: z.string() }),',
      "  prompt: 'Invent a book title',",
      '});',
    ],
    { model: 'claude-3-5-haiku', keys: ['maxOutputTokens'] },
  ),
  ts('ai-stream-object-array-set', 'ai-sdk', 'present', [
    "import { openai } from '@ai-sdk/openai';",
    "import { streamObject } from 'ai';",
    "import { z } from 'zod';",
    "export const { elementStream } = streamObject({ model: openai('gpt-4.1'), output: 'array', schema: z.object({ name: z.string() }), prompt: 'Generate 3 heroes', maxOutputTokens: 600 });",
  ]),
  ts('ai-generate-settings-spread', 'ai-sdk', 'present', [
    "import { openai } from '@ai-sdk/openai';",
    "import { generateText } from 'ai';",
    'const settings = { maxOutputTokens: 300, temperature: 0 };',
    "export const { text } = await generateText({ model: openai('gpt-4o'), prompt: 'Hi', ...settings });",
  ]),
  ts('ai-embed-many', 'ai-sdk', 'none', [
    "import { openai } from '@ai-sdk/openai';",
    "import { embedMany } from 'ai';",
    "export const { embeddings } = await embedMany({ model: openai.embedding('text-embedding-3-small'), values: ['a', 'b'] });",
  ]),
  // ── OpenAI Agents SDK JS ──
  ts(
    'agents-js-missing',
    'openai-agents-js',
    'missing',
    [
      "import { Agent, run } from '@openai/agents';",
      '',
      'const agent = new Agent({',
      "  name: 'Assistant',",
      "  instructions: 'You are a helpful assistant.',",
      "  model: 'gpt-4.1',",
      '});',
      "export const result = await run(agent, 'Write a haiku about recursion.');",
    ],
    { model: 'gpt-4.1', keys: ['maxTokens'], inside: 'modelSettings' },
  ),
  ts('agents-js-set', 'openai-agents-js', 'present', [
    "import { Agent } from '@openai/agents';",
    "export const agent = new Agent({ name: 'Triage', instructions: 'Route requests.', model: 'gpt-4.1-mini', modelSettings: { maxTokens: 500, temperature: 0.2 } });",
  ]),
  // ── LangChain / LangGraph JS ──
  ts('lc-anthropic-default', 'langchain-js', 'present', [
    "import { ChatAnthropic } from '@langchain/anthropic';",
    "const model = new ChatAnthropic({ model: 'claude-3-5-sonnet-20241022', temperature: 0 });",
    "export const r = await model.invoke('Hello');",
  ]),
  ts(
    'lc-openai-bindtools-missing',
    'langchain-js',
    'missing',
    [
      "import { ChatOpenAI } from '@langchain/openai';",
      "import { tool } from '@langchain/core/tools';",
      "import { z } from 'zod';",
      '',
      "const getWeather = tool(async ({ city }) => `Sunny in ${city}`, { name: 'get_weather', description: 'Weather', schema: z.object({ city: z.string() }) });",
      "const llm = new ChatOpenAI({ model: 'gpt-4o', temperature: 0 });",
      'const withTools = llm.bindTools([getWeather]);',
      "export const msg = await withTools.invoke('What is the weather in SF?');",
    ],
    { model: 'gpt-4o', keys: ['maxTokens', 'maxCompletionTokens'] },
  ),
  ts('lc-openai-structured-set', 'langchain-js', 'present', [
    "import { ChatOpenAI } from '@langchain/openai';",
    "import { z } from 'zod';",
    "const structured = new ChatOpenAI({ model: 'gpt-4o-mini', maxTokens: 256 }).withStructuredOutput(z.object({ joke: z.string() }));",
    "export const joke = await structured.invoke('Tell me a joke');",
  ]),
  ts(
    'langgraph-react-missing',
    'langgraph-js',
    'missing',
    [
      "import { ChatOpenAI } from '@langchain/openai';",
      "import { createReactAgent } from '@langchain/langgraph/prebuilt';",
      '',
      "export const agent = createReactAgent({ llm: new ChatOpenAI({ model: 'gpt-4o' }), tools: [] });",
    ],
    { model: 'gpt-4o', keys: ['maxTokens', 'maxCompletionTokens'] },
  ),
  ts('lc-anthropic-bindtools-set', 'langchain-js', 'present', [
    "import { ChatAnthropic } from '@langchain/anthropic';",
    "const llm = new ChatAnthropic({ model: 'claude-sonnet-4-5', maxTokens: 2048 });",
    'export const bound = llm.bindTools([]);',
  ]),
  // ── names other libraries share ──
  mjs('node-https-agent', 'node', 'none', [
    "import { Agent } from 'node:https';",
    'export const agent = new Agent({ keepAlive: true, maxSockets: 10 });',
  ]),
  ts('undici-agent', 'undici', 'none', [
    "import { Agent, setGlobalDispatcher } from 'undici';",
    'setGlobalDispatcher(new Agent({ connect: { timeout: 60_000 } }));',
  ]),
  // ── added after the lint was read ──
  ts('mastra-default-options', 'mastra', 'present', [
    "import { Agent } from '@mastra/core/agent';",
    "const agent = new Agent({ name: 'x', instructions: 'y', model: 'openai/gpt-4o', defaultOptions: { modelSettings: { maxOutputTokens: 100 } } });",
    "export const r = await agent.generate('hi');",
  ]),
  ts(
    'mastra-stream-options-missing',
    'mastra',
    'missing',
    [
      "import { Agent } from '@mastra/core/agent';",
      "const agent = new Agent({ name: 'x', instructions: 'y', model: 'openai/gpt-4o' });",
      "export const r = await agent.stream('hi', { maxSteps: 3 });",
    ],
    { model: 'gpt-4o', keys: ['maxOutputTokens'], inside: 'modelSettings' },
  ),
  ts('mastra-workflow', 'mastra', 'none', [
    "import { createWorkflow } from '@mastra/core/workflows';",
    "const wf = createWorkflow({ id: 'w', inputSchema: undefined as never, outputSchema: undefined as never });",
    'export const r = await wf.stream({ inputData: {} });',
  ]),
  ts(
    'ollama-browser-generate',
    'ollama',
    'missing',
    ["import ollama from 'ollama/browser';", "export const r = await ollama.generate({ model: 'llama3.2', prompt: 'hi' });"],
    { model: 'llama3.2', keys: ['num_predict'], inside: 'options' },
  ),
  ts('lc-openai-attribute', 'langchain-js', 'present', [
    "import { ChatOpenAI } from '@langchain/openai';",
    "const llm = new ChatOpenAI({ model: 'gpt-4o' });",
    'llm.maxTokens = 300;',
    "export const r = await llm.invoke('hi');",
  ]),
  ts('own-generate', 'project', 'none', [
    "import { agent } from './agent';",
    "export const r = await agent.generate('hi', { modelSettings: {} });",
  ]),
];

/** Every third case of each language is held out: not looked at while the lint was changed. */
function split(cases: FrameworkCase[]): FrameworkCase[] {
  return cases.map((c, i) => (i % 3 === 2 ? { ...c, held: true } : c));
}

export const CASES: FrameworkCase[] = [...split(PY), ...split(TS)];
