/**
 * Where real code keeps the model name: an environment variable with a fallback, an attribute set
 * in the constructor, a same-file config object. The CodeLens and the finding's worst case must
 * price the model the code sends, not the editor's assumed default.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { findPythonCalls } from '../../proxy/src/analysis/code/python-calls';
import { findTypeScriptCalls } from '../../proxy/src/analysis/code/typescript-calls';

const PY = 'import os\nfrom os import getenv\nfrom openai import OpenAI\n\nclient = OpenAI()\n';
const pyModels = async (body: string) => (await findPythonCalls(PY + body)).map((c) => c.model);
const TS = "import OpenAI from 'openai';\nconst client = new OpenAI();\n";
const tsModels = (body: string) => findTypeScriptCalls('m.ts', TS + body).map((c) => c.model);

describe('Python', () => {
  it('prices an environment variable’s fallback', async () => {
    expect(
      await pyModels(`def a(m):
    model = os.getenv("OPENAI_MODEL", "gpt-4o")
    return client.chat.completions.create(model=model, messages=m)

def b(m):
    return client.chat.completions.create(model=os.environ.get("MODEL", "gpt-4.1-mini"), messages=m)

def c(m):
    return client.chat.completions.create(model=getenv("MODEL", default="o3"), messages=m)

def d(m):
    return client.chat.completions.create(model=os.getenv("MODEL"), messages=m)
`),
    ).toEqual(['gpt-4o', 'gpt-4.1-mini', 'o3', undefined]);
  });

  it('reads self.model assigned once, and a config dict’s key', async () => {
    const body = `CONFIG = {"model": "claude-3-5-haiku-20241022", "temperature": 0}

class Advisor:
    def __init__(self):
        self.model = "gpt-4o"
        self.env_model = os.getenv("ADVISOR_MODEL", "gpt-4.1")
        self.system_prompt = "You are a careful gardener."

    def ask(self, q):
        return client.chat.completions.create(model=self.model, messages=[{"role": "system", "content": self.system_prompt}, {"role": "user", "content": q}])

    def ask_env(self, q):
        return client.chat.completions.create(model=self.env_model, messages=[{"role": "user", "content": q}])

def configured(q):
    return client.chat.completions.create(model=CONFIG["model"], messages=[{"role": "user", "content": q}])
`;
    expect(await pyModels(body)).toEqual(['gpt-4o', 'gpt-4.1', 'claude-3-5-haiku-20241022']);
    const [ask] = await findPythonCalls(PY + body);
    expect(ask!.messages.map((m) => m.text)).toEqual(['You are a careful gardener.']);
    const r = await analyzeFile({ path: 'advisor.py', text: PY + body });
    expect(r.calls[0]!.model).toBe('gpt-4o');
    expect(r.calls[0]!.unseen).toBeUndefined();
  });

  it('reads a class attribute through self', async () => {
    const body = `class Summarizer:
    MODEL = "gpt-4o"
    model_name: str = "claude-3-5-sonnet-20241022"

    def run(self, text):
        return client.chat.completions.create(model=self.MODEL, messages=[{"role": "user", "content": text}])

    def draft(self, text):
        request = {"model": self.model_name, "messages": [{"role": "user", "content": text}], "max_tokens": 2048}
        return client.chat.completions.create(**request)


class Overridden:
    MODEL = "gpt-4o"

    def __init__(self, model):
        self.MODEL = model

    def run(self, text):
        return client.chat.completions.create(model=self.MODEL, messages=[{"role": "user", "content": text}])
`;
    expect(await pyModels(body)).toEqual(['gpt-4o', 'claude-3-5-sonnet-20241022', undefined]);
  });

  it('stays unknown when the attribute is set from a parameter or more than once', async () => {
    expect(
      await pyModels(`class A:
    def __init__(self, model):
        self.model = model
    def go(self, m):
        return client.chat.completions.create(model=self.model, messages=m)

class B:
    def __init__(self):
        self.name = "gpt-4o"
    def switch(self):
        self.name = "gpt-4o-mini"
    def go(self, m):
        return client.chat.completions.create(model=self.name, messages=m)
`),
    ).toEqual([undefined, undefined]);
  });
});

describe('TypeScript', () => {
  it('prices process.env fallbacks, directly, through a constant or inside an AI SDK provider call', () => {
    const text = `import { streamText } from 'ai';
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
const openrouter = createOpenRouter({});
const MODEL = process.env.OPENAI_MODEL ?? 'gpt-4o';
export const a = (m: any[]) => client.chat.completions.create({ model: MODEL, messages: m });
export const b = (m: any[]) => client.chat.completions.create({ model: process.env['CHAT_MODEL'] || 'gpt-4.1-mini', messages: m });
export const c = (m: any[]) => streamText({ model: openrouter.chat(process.env.OPENROUTER_MODEL || 'anthropic/claude-3-haiku'), messages: m });
export const d = (m: any[]) => client.chat.completions.create({ model: process.env.CHAT_MODEL!, messages: m });
export const e = (m: any[]) => client.chat.completions.create({ model: someOther.model || 'gpt-4o', messages: m });
`;
    expect(tsModels(text)).toEqual(['gpt-4o', 'gpt-4.1-mini', 'anthropic/claude-3-haiku', undefined, undefined]);
  });

  it('reads this.model of a class field or constructor, and a config object’s property', () => {
    const text = `const AI_CONFIG = { model: 'gpt-4.1', temperature: 0.2 };
const MUTATED = { model: 'gpt-4o' };
MUTATED.model = 'o3';
export class Bot {
  private readonly model = 'gpt-4o-mini';
  private readonly system = 'You are a terse assistant.';
  reply(q: string) {
    return client.chat.completions.create({ model: this.model, messages: [{ role: 'system', content: this.system }, { role: 'user', content: q }] });
  }
}
export class Env {
  private name: string;
  constructor() {
    this.name = process.env.BOT_MODEL || 'o4-mini';
  }
  reply(q: string) {
    return client.chat.completions.create({ model: this.name, messages: [{ role: 'user', content: q }] });
  }
}
export const configured = (q: string) => client.chat.completions.create({ model: AI_CONFIG.model, messages: [{ role: 'user', content: q }] });
export const mutated = (q: string) => client.chat.completions.create({ model: MUTATED.model, messages: [{ role: 'user', content: q }] });
`;
    const calls = findTypeScriptCalls('bot.ts', TS + text);
    expect(calls.map((c) => c.model)).toEqual(['gpt-4o-mini', 'o4-mini', 'gpt-4.1', undefined]);
    expect(calls[0]!.messages.map((m) => m.text)).toEqual(['You are a terse assistant.']);
  });

  it('stays unknown for a field set from a constructor parameter', () => {
    const text = `export class Fixed {
  private model = 'gpt-4o';
  private system = 'You are terse.';
}
export class Injected {
  constructor(private readonly model: string, private system: string) {}
  go(q: string) {
    return client.chat.completions.create({ model: this.model, messages: [{ role: 'system', content: this.system }, { role: 'user', content: q }] });
  }
}
export class Svc {
  constructor(private readonly cfg: { model: string }, private model = 'x') {}
  private llm = this.cfg.model;
  go(q: string) {
    return client.chat.completions.create({ model: this.llm, messages: [{ role: 'user', content: q }] });
  }
}
`;
    expect(tsModels(text)).toEqual([undefined, undefined]);
    // The injected system prompt is unknown content, not the other class's text.
    expect(findTypeScriptCalls('svc.ts', TS + text)[0]!.messages).toEqual([]);
  });
});
