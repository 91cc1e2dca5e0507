/**
 * Notebooks as data scientists write them (nbformat 4 JSON as Jupyter saves it: sorted keys, one-space
 * indent, sources as lists of lines — or one string, as some tools write — outputs and execution
 * counts), each with the findings a reader expects: `cell:line:rule`, cell and line 1-based as the
 * finding's message says them. What the equivalent .py script gets, nothing from markdown, shell or
 * non-Python cells.
 */
export interface NotebookCase {
  name: string;
  json: string;
  expected: string[];
  /** LLM calls (CostLenses) the notebook makes. */
  calls: number;
}

type Cell = { md: string } | { code: string; outputs?: unknown[]; meta?: Record<string, unknown> } | { raw: string };

export interface NotebookOptions {
  /** Sources as one string instead of a list of lines. */
  stringSources?: boolean;
  /** The kernel's language (default python). */
  language?: string;
  /** JSON with non-ASCII characters escaped (`\u00e9`), as `json.dump` writes by default. */
  asciiOnly?: boolean;
}

function lines(s: string): string[] {
  return s.split(/(?<=\n)/).filter((l) => l !== '');
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

export function notebook(cells: Cell[], o: NotebookOptions = {}): string {
  const language = o.language ?? 'python';
  let count = 0;
  const nb = {
    cells: cells.map((c, i) => {
      const id = `c${i.toString(16).padStart(7, '0')}`;
      if ('md' in c) return { cell_type: 'markdown', id, metadata: {}, source: o.stringSources ? c.md : lines(c.md) };
      if ('raw' in c) return { cell_type: 'raw', id, metadata: {}, source: o.stringSources ? c.raw : lines(c.raw) };
      return { cell_type: 'code', execution_count: ++count, id, metadata: c.meta ?? {}, outputs: c.outputs ?? [], source: o.stringSources ? c.code : lines(c.code) };
    }),
    metadata: {
      kernelspec: { display_name: language === 'python' ? 'Python 3 (ipykernel)' : language, language, name: language === 'python' ? 'python3' : language },
      language_info: { name: language, version: '3.11.6' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const json = `${JSON.stringify(sortKeys(nb), null, 1)}\n`;
  return o.asciiOnly ? json.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

const streamOut = (text: string) => ({ name: 'stdout', output_type: 'stream', text: lines(text) });
const pngOut = { data: { 'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\n', 'text/plain': ['<Figure size 640x480 with 1 Axes>'] }, metadata: {}, output_type: 'display_data' };

export const CASES: NotebookCase[] = [
  {
    name: 'openai_quickstart.ipynb',
    json: notebook([
      { md: '# OpenAI quickstart\n\nA first call; see the cost below.\n' },
      { code: '%pip install -q openai tiktoken', outputs: [streamOut('Note: you may need to restart the kernel to use updated packages.\n')] },
      { code: 'import os\nfrom openai import OpenAI\n\nclient = OpenAI()\nMODEL = "gpt-4o-mini"' },
      { code: 'SYSTEM_PROMPT = """You are a terse assistant.\n!Important: answer in one sentence.\n% of the answer must be plain text.\n"""' },
      {
        code: 'response = client.chat.completions.create(\n    model=MODEL,\n    messages=[\n        {"role": "system", "content": SYSTEM_PROMPT},\n        {"role": "user", "content": "What is a token?"},\n    ],\n)\nprint(response.choices[0].message.content)',
        outputs: [streamOut('A token is a chunk of text.\n')],
      },
      { code: 'short = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_tokens=50)' },
      { code: '!ls -la data/' },
      { code: 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])', outputs: [pngOut] },
    ]),
    expected: ['5:1:missing-output-limit'],
    calls: 2,
  },
  {
    name: 'claude_eval.ipynb',
    json: notebook(
      [
        { code: 'import anthropic' },
        { md: '## Setup\n' },
        { code: "!pip install 'anthropic==0.40.0'" },
        { code: '%%time\nclient = anthropic.Anthropic()\nmodels = client.models.list()' },
        { code: 'PROMPT = """\nSummarise the following support ticket in three bullet points.\n"""' },
        { code: 'msg = client.messages.create(\n    model="claude-3-5-sonnet-latest",\n    messages=[{"role": "user", "content": PROMPT}],\n)\nmsg.content[0].text' },
        { code: 'client.messages.create?' },
      ],
      { stringSources: true },
    ),
    expected: ['6:1:anthropic-missing-max-tokens'],
    calls: 1,
  },
  {
    name: 'async_batch.ipynb',
    json: notebook([
      { code: 'from openai import AsyncOpenAI\nimport asyncio\n\naclient = AsyncOpenAI()' },
      { code: 'files = !ls prompts\nlen(files)' },
      { code: 'resp = await aclient.chat.completions.create(\n    model="gpt-4o",\n    messages=[{"role": "user", "content": "Write a haiku about caching."}],\n)\nresp' },
      {
        code: 'async def ask(q):\n    return await aclient.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}], max_completion_tokens=200)\n\nanswers = await asyncio.gather(*(ask(q) for q in ["a", "b"]))',
      },
    ]),
    expected: ['3:1:missing-output-limit'],
    calls: 2,
  },
  {
    name: 'bash_then_call.ipynb',
    json: notebook([
      { code: '%%bash\necho "it\'s a test"\nfor f in *.json; do wc -l $f; done' },
      { code: '%%writefile helper.py\nfrom openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[])\n' },
      { code: 'from openai import OpenAI\nclient = OpenAI()\nMODEL = "gpt-4.1"' },
      { code: 'out = client.responses.create(model=MODEL, input="Explain server-sent events in two sentences.")\nout.output_text' },
      { md: 'The call as a snippet:\n\n```python\nclient.chat.completions.create(model="gpt-4o", messages=m)\n```\n' },
      { raw: 'client.chat.completions.create(model="gpt-4o", messages=m)\n' },
    ]),
    expected: ['4:1:missing-output-limit'],
    calls: 1,
  },
  {
    name: 'langchain_rag.ipynb',
    json: notebook([
      { code: '%load_ext autoreload\n%autoreload 2' },
      { code: 'from langchain_openai import ChatOpenAI\n\nllm = ChatOpenAI(model="gpt-4o-mini", temperature=0)' },
      { code: 'llm.invoke("What is retrieval-augmented generation?")' },
    ]),
    expected: ['2:3:missing-output-limit'],
    calls: 1,
  },
  {
    name: 'gemini_intro.ipynb',
    json: notebook([
      { code: 'from google import genai\n\nclient = genai.Client()' },
      { code: 'resp = client.models.generate_content(model="gemini-2.0-flash", contents="Tell me a joke about café owners ☕")\nprint(resp.text)' },
    ], { asciiOnly: true }),
    expected: ['2:1:missing-output-limit'],
    calls: 1,
  },
  {
    name: 'suppressed.ipynb',
    json: notebook([
      { code: 'from openai import OpenAI\nclient = OpenAI()' },
      { code: '# tollgate-disable-next-line missing-output-limit\nr = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])' },
    ]),
    expected: [],
    calls: 1,
  },
  {
    name: 'r_kernel.ipynb',
    json: notebook([{ code: 'library(httr)\nres <- POST("https://api.openai.com/v1/chat/completions", body = list(model = "gpt-4o"))' }, { code: 'client$chat$completions$create(model="gpt-4o", messages=list())' }], { language: 'R' }),
    expected: [],
    calls: 0,
  },
];
