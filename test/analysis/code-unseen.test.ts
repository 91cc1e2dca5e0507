/**
 * Code forms a probe of unseen code found read wrong: model constants in Python, prompts wrapped in
 * `.strip()` / `dedent` / `.join`, callee names other libraries share (Twilio's `messages.create`),
 * Gemini string `contents`, Anthropic system content blocks, legacy Completions' default limit and
 * `max_tokens=None`. Each snippet is written the way the SDKs' own docs write it.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { findPythonCalls } from '../../proxy/src/analysis/code/python-calls';
import { findTypeScriptCalls } from '../../proxy/src/analysis/code/typescript-calls';
import { applyEdits } from './support';

const LIMIT_RULES = new Set(['missing-output-limit', 'anthropic-missing-max-tokens']);
const limitFindings = async (path: string, text: string) => (await analyzeFile({ path, text })).diagnostics.filter((d) => LIMIT_RULES.has(d.ruleId));

const REVIEWER = 'You are a senior code reviewer. Review the diff the user sends and list concrete problems,\neach with the file, the line and a one-sentence fix. Ignore style nits.';
const LAWYER = 'You are an expert contract lawyer. Review the contract clauses the user provides and flag any risk to the buyer, citing the clause number.';

describe('Python model constants', () => {
  const code = `from openai import OpenAI
from anthropic import Anthropic

MODEL = "gpt-4o"
CLAUDE_MODEL = "claude-3-5-sonnet-20241022"
SYSTEM_PROMPT = """You are a meticulous data analyst.
Answer with a short table."""

client = OpenAI()
anthropic_client = Anthropic()

def analyse(q: str) -> str:
    r = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": q}],
    )
    m = anthropic_client.messages.create(model=CLAUDE_MODEL, max_tokens=1000, system=SYSTEM_PROMPT, messages=[{"role": "user", "content": q}])
    return r.choices[0].message.content
`;

  it('prices model=MODEL at the constant’s model, not the assumed default', async () => {
    const r = await analyzeFile({ path: 'analyst.py', text: code });
    const [openai, claude] = r.calls;
    expect(openai!.model).toBe('gpt-4o');
    expect(openai!.unseen).toBeUndefined();
    expect(r.diagnostics[0]!.message).toContain("gpt-4o's maximum");
    expect(claude!.model).toBe('claude-3-5-sonnet-20241022');
    // Claude's tokenizer is not public: an estimate, not an exact count at gpt-4o-mini.
    expect(claude!.exact).toBe(false);
  });
});

describe('prompts wrapped in strip / trim / dedent / join are counted', () => {
  // Each wrapped form must count exactly what the same call with the resulting literal counts.
  const pyCall = (system: string, prelude = '') =>
    `import inspect\nimport textwrap\nfrom openai import OpenAI\nclient = OpenAI()\n${prelude}\ndef review(diff):\n    return client.chat.completions.create(model="gpt-4o", max_tokens=500, messages=[{"role": "system", "content": ${system}}, {"role": "user", "content": diff}])\n`;
  const tsCall = (system: string, prelude = '') =>
    `import OpenAI from 'openai';\nimport dedent from 'dedent';\nconst client = new OpenAI();\n${prelude}\nexport const review = (diff: string) =>\n  client.chat.completions.create({ model: 'gpt-4o', max_tokens: 500, messages: [{ role: 'system', content: ${system} }, { role: 'user', content: diff }] });\n`;
  const lens = async (path: string, text: string) => (await analyzeFile({ path, text })).calls[0]!;

  it.each([
    ['"""…""".strip()', `SYSTEM_PROMPT = """\n${REVIEWER}\n""".strip()`, REVIEWER],
    ['textwrap.dedent("""…""")', `SYSTEM_PROMPT = textwrap.dedent("""\n    ${REVIEWER.replace('\n', '\n    ')}\n""")`, `\n${REVIEWER}\n`],
    ['inspect.cleandoc("""…""")', `SYSTEM_PROMPT = inspect.cleandoc("""\n    ${REVIEWER.replace('\n', '\n    ')}\n    """)`, REVIEWER],
    ['"\\n".join([...])', `SYSTEM_PROMPT = "\\n".join([\n    "You are a senior code reviewer.",\n    "Ignore style nits.",\n])`, 'You are a senior code reviewer.\nIgnore style nits.'],
  ])('Python %s', async (_n, prelude, expected) => {
    const wrapped = await lens('review.py', pyCall('SYSTEM_PROMPT', prelude));
    const literal = await lens('review.py', pyCall(JSON.stringify(expected)));
    expect(wrapped.inputTokens).toBeGreaterThan(12); // the old count: 3 tokens of chat framing, the prompt a placeholder
    expect(wrapped.inputTokens).toBe(literal.inputTokens);
    expect(wrapped.placeholders).toBe(1); // only the diff
  });

  it.each([
    ['`…`.trim()', `const SYSTEM_PROMPT = \`\n${REVIEWER}\n\`.trim();`, REVIEWER],
    ['dedent`…`', `const SYSTEM_PROMPT = dedent\`\n  ${REVIEWER.replace('\n', '\n  ')}\n\`;`, REVIEWER],
    ["[...].join('\\n')", `const SYSTEM_PROMPT = ['You are a senior code reviewer.', 'Ignore style nits.'].join('\\n');`, 'You are a senior code reviewer.\nIgnore style nits.'],
  ])('TypeScript %s', async (_n, prelude, expected) => {
    const wrapped = await lens('review.ts', tsCall('SYSTEM_PROMPT', prelude));
    const literal = await lens('review.ts', tsCall(JSON.stringify(expected)));
    expect(wrapped.inputTokens).toBeGreaterThan(12);
    expect(wrapped.inputTokens).toBe(literal.inputTokens);
    expect(wrapped.placeholders).toBe(1);
  });
});

describe('a callee name another library shares needs evidence of the SDK', () => {
  it('Twilio messages.create (Python and Node) is not an Anthropic call', async () => {
    const py = `from twilio.rest import Client\n\nclient = Client(account_sid, auth_token)\nmessage = client.messages.create(\n    body="Your verification code is 1234",\n    from_="+15017122661",\n    to="+15558675310",\n)\nprint(message.sid)\n`;
    const js = `const twilio = require('twilio');\nconst client = twilio(accountSid, authToken);\n\nclient.messages\n  .create({ body: 'Hello from Node', from: '+15017122661', to: '+15558675310' })\n  .then((message) => console.log(message.sid));\n`;
    for (const [path, text] of [['sms.py', py], ['sms.js', js]] as const) {
      const r = await analyzeFile({ path, text });
      expect(r.diagnostics).toEqual([]);
      expect(r.calls).toEqual([]);
    }
  });

  it('a file using both: the Claude call without max_tokens is still an error, the SMS is not', async () => {
    const py = `import anthropic\nfrom twilio.rest import Client\n\nclaude = anthropic.Anthropic()\nsms = Client(account_sid, auth_token)\n\ndef alert(incident):\n    summary = claude.messages.create(model="claude-sonnet-4-5", messages=[{"role": "user", "content": incident}])\n    sms.messages.create(body=summary.content[0].text, from_="+15017122661", to=on_call)\n`;
    const found = await limitFindings('alert.py', py);
    expect(found.map((d) => [d.ruleId, d.range.start.line])).toEqual([['anthropic-missing-max-tokens', 7]]);
    const ts = `import Anthropic from '@anthropic-ai/sdk';\nimport twilio from 'twilio';\nconst claude = new Anthropic();\nconst sms = twilio(process.env.TWILIO_SID, process.env.TWILIO_TOKEN);\nexport async function alert(incident: string) {\n  const summary = await claude.messages.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: incident }] });\n  await sms.messages.create({ body: String(summary.content[0]), from: '+15017122661', to: onCall });\n}\n`;
    const foundTs = await limitFindings('alert.ts', ts);
    expect(foundTs.map((d) => [d.ruleId, d.range.start.line])).toEqual([['anthropic-missing-max-tokens', 5]]);
  });

  it('an Anthropic client received as a parameter still counts in a file that imports the SDK', async () => {
    const py = `from anthropic import Anthropic\n\ndef summarise(client: Anthropic, text: str):\n    return client.messages.create(model=MODEL, messages=[{"role": "user", "content": text}])\n`;
    expect((await limitFindings('summarise.py', py)).map((d) => d.ruleId)).toEqual(['anthropic-missing-max-tokens']);
  });

  it('a project’s own generateText helper is not the AI SDK’s', async () => {
    const own = `import { callLlm } from './llm';\nasync function generateText(opts: { prompt: string; temperature?: number }) {\n  return callLlm({ ...opts, maxTokens: 300 });\n}\nexport const title = () => generateText({ prompt: 'Write a title for this blog post' });\n`;
    expect((await analyzeFile({ path: 'title.ts', text: own })).diagnostics).toEqual([]);
    const imported = `import { generateText } from './llm';\nexport const title = () => generateText({ prompt: 'Write a title for this blog post' });\n`;
    expect((await analyzeFile({ path: 'title.ts', text: imported })).diagnostics).toEqual([]);
    const sdk = `import { generateText } from 'ai';\nimport { openai } from '@ai-sdk/openai';\nexport const title = () => generateText({ model: openai('gpt-4o'), prompt: 'Write a title for this blog post' });\n`;
    expect((await limitFindings('title.ts', sdk)).map((d) => d.ruleId)).toEqual(['missing-output-limit']);
  });

  it('ollama.chat in a file that imports cohere is not a Cohere call (and gets no max_tokens fix)', async () => {
    const py = `import cohere\nimport ollama\nco = cohere.ClientV2()\nr = co.chat(model="command-r-plus", messages=[{"role": "user", "content": "hi"}])\no = ollama.chat(model="llama3.1", messages=[{"role": "user", "content": "hi"}], options={"num_predict": 100})\n`;
    const found = await limitFindings('mix.py', py);
    expect(found.map((d) => d.range.start.line)).toEqual([3]);
    expect(found[0]!.message).toContain('co.chat()');
  });
});

describe('@google/genai string contents', () => {
  it('counts contents: PROMPT as the user message, as in Python', async () => {
    const prompt = 'Summarise the following customer complaint in two sentences and classify its sentiment as positive, neutral or negative.';
    const ts = `import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({});\nconst PROMPT = ${JSON.stringify(prompt)};\nexport async function run() {\n  return ai.models.generateContent({ model: 'gemini-2.5-flash', contents: PROMPT, config: { maxOutputTokens: 200 } });\n}\n`;
    const py = `from google import genai\nfrom google.genai import types\nclient = genai.Client()\nPROMPT = ${JSON.stringify(prompt)}\nr = client.models.generate_content(model="gemini-2.5-flash", contents=PROMPT, config=types.GenerateContentConfig(max_output_tokens=200))\n`;
    const tsLens = (await analyzeFile({ path: 'g.ts', text: ts })).calls[0]!;
    const pyLens = (await analyzeFile({ path: 'g.py', text: py })).calls[0]!;
    expect(tsLens.inputTokens).toBeGreaterThan(20);
    expect(tsLens.inputTokens).toBe(pyLens.inputTokens);
  });
});

describe('Anthropic system as content blocks (prompt caching)', () => {
  it.each([
    [
      'anth.ts',
      `import Anthropic from '@anthropic-ai/sdk';\nconst anthropic = new Anthropic();\nconst SYSTEM = ${JSON.stringify(LAWYER)};\nexport const review = (clause: string) =>\n  anthropic.messages.create({\n    model: 'claude-sonnet-4-5',\n    max_tokens: 2048,\n    system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],\n    messages: [{ role: 'user', content: clause }],\n  });\n`,
    ],
    [
      'anth.py',
      `import anthropic\nclient = anthropic.Anthropic()\nSYSTEM = ${JSON.stringify(LAWYER)}\ndef review(clause):\n    return client.messages.create(\n        model="claude-sonnet-4-5",\n        max_tokens=2048,\n        system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],\n        messages=[{"role": "user", "content": clause}],\n    )\n`,
    ],
  ])('%s counts the block’s text', async (path, text) => {
    const lens = (await analyzeFile({ path, text })).calls[0]!;
    expect(lens.inputTokens).toBeGreaterThan(25);
    expect(lens.placeholders).toBe(1); // the clause
    expect(lens.perMessage.map((m) => m.role)).toContain('system');
  });
});

describe('legacy Completions: the API stops at 16 tokens without max_tokens', () => {
  const py = `from openai import OpenAI\nclient = OpenAI()\nr = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say this is a test")\n`;
  const ts = `import OpenAI from 'openai';\nconst client = new OpenAI();\nconst r = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is a test' });\n`;

  it.each([
    ['c.py', py],
    ['c.ts', ts],
  ])('%s: no missing-limit finding; the worst case is 16 output tokens', async (path, text) => {
    const r = await analyzeFile({ path, text });
    expect(r.diagnostics).toEqual([]);
    const lens = r.calls[0]!;
    expect(lens.worstCaseOutputUsd).toBeDefined();
    // gpt-3.5-turbo-instruct: $2 per million output tokens; 16 tokens, not 16,385.
    expect(lens.worstCaseOutputUsd! - lens.inputUsd).toBeLessThan(0.0001);
  });

  it('is marked as sent without chat framing', async () => {
    expect((await findPythonCalls(py))[0]!.chat).toBe(false);
    expect(findTypeScriptCalls('c.ts', ts)[0]!.chat).toBe(false);
    const chat = `from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[], max_tokens=10)\n`;
    expect((await findPythonCalls(chat))[0]!.chat).toBeUndefined();
    // The lens counts the prompt alone: no per-message chat framing on a raw prompt.
    const { getEncoding } = await import('js-tiktoken');
    const prompt = getEncoding('cl100k_base').encode('Say this is a test').length;
    for (const [path, text] of [['c.py', py], ['c.ts', ts]] as const) expect((await analyzeFile({ path, text })).calls[0]!.inputTokens).toBe(prompt);
  });

  it('Anthropic’s legacy Text Completions still need max_tokens_to_sample', async () => {
    const claude = `from anthropic import Anthropic\nclient = Anthropic()\nclient.completions.create(model="claude-2.1", prompt="\\n\\nHuman: hi\\n\\nAssistant:")\n`;
    expect(await limitFindings('c.py', claude)).toHaveLength(1);
  });
});

describe('max_tokens=None is no limit', () => {
  it('Python: reported, with no fix that would repeat the keyword', async () => {
    const py = `from openai import OpenAI\n\nclass Assistant:\n    def __init__(self):\n        self.client = OpenAI()\n\n    def reply(self, text):\n        return self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}], max_tokens=None)\n`;
    const found = await limitFindings('assistant.py', py);
    expect(found).toHaveLength(1);
    expect(found[0]!.fixes).toEqual([]);
  });

  it('TypeScript: max_tokens: null / undefined reported; a real limit next to it still counts', async () => {
    for (const v of ['null', 'undefined']) {
      const ts = `import OpenAI from 'openai';\nconst client = new OpenAI();\nawait client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], max_tokens: ${v} });\n`;
      const found = await limitFindings('a.ts', ts);
      expect(found).toHaveLength(1);
      expect(found[0]!.fixes).toEqual([]);
    }
    const both = `import OpenAI from 'openai';\nconst client = new OpenAI();\nawait client.chat.completions.create({ model: 'gpt-4o', messages: [], max_tokens: null, max_completion_tokens: 300 });\n`;
    expect(await limitFindings('a.ts', both)).toEqual([]);
  });

  it('a nested Google config with max_output_tokens=None is reported without a duplicate-key fix', async () => {
    const py = `from google import genai\nclient = genai.Client()\nclient.models.generate_content(model="gemini-2.5-flash", contents="Hi", config={"max_output_tokens": None})\n`;
    const found = await limitFindings('g.py', py);
    expect(found).toHaveLength(1);
    expect(found[0]!.fixes).toEqual([]);
    // Sanity: a fix elsewhere still applies and silences its finding.
    const plain = `from google import genai\nclient = genai.Client()\nclient.models.generate_content(model="gemini-2.5-flash", contents="Hi", config={"temperature": 0})\n`;
    const f = (await limitFindings('g.py', plain))[0]!;
    expect(await limitFindings('g.py', applyEdits(plain, f.fixes[0]!.edits))).toEqual([]);
  });
});
