/**
 * SDK calls reached the way real projects write them around the SDK: a Python `functools.partial`
 * binding some arguments for later calls, `asyncio.to_thread` / `run_in_executor` running the
 * method on a thread, and TypeScript casts around the receiver (`(client.responses as any).create`).
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { findPythonCalls } from '../../proxy/src/analysis/code/python-calls';
import { findTypeScriptCalls } from '../../proxy/src/analysis/code/typescript-calls';
import { applyEdits } from './support';

const PRELUDE = 'import asyncio\nimport functools\nfrom functools import partial\nfrom openai import OpenAI\n\nclient = OpenAI()\n';
const limitOf = async (body: string) => (await findPythonCalls(PRELUDE + body)).map((c) => c.limit);

describe('Python functools.partial around an SDK method', () => {
  it('reports a partial whose bound arguments and every call of it send no limit', async () => {
    const text = `${PRELUDE}ask = partial(client.chat.completions.create, model="gpt-4o")\n\nreply = ask(messages=[{"role": "user", "content": "Name three rivers."}])\n`;
    const calls = await findPythonCalls(text);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ api: 'openai-chat', callee: 'client.chat.completions.create', limit: 'missing', model: 'gpt-4o' });
    // The one call site's prompt is the request's prompt.
    expect(calls[0]!.messages.map((m) => m.text)).toEqual(['Name three rivers.']);
    const r = await analyzeFile({ path: 'ask.py', text });
    const finding = r.diagnostics.find((d) => d.ruleId === 'missing-output-limit');
    expect(finding?.range.start.line).toBe(6);
    // The fix binds the limit in the partial, which covers every call of it.
    const fixed = applyEdits(text, finding!.fixes[0]!.edits);
    expect(fixed).toContain('partial(client.chat.completions.create, model="gpt-4o", max_completion_tokens=1024)');
    expect(await limitOf(fixed.slice(PRELUDE.length))).toEqual(['present']);
  });

  it('reads a limit bound in the partial or added where it is called', async () => {
    expect(await limitOf('ask = functools.partial(client.chat.completions.create, model="gpt-4o", max_tokens=300)\nask(messages=[])\n')).toEqual(['present']);
    expect(await limitOf('ask = partial(client.chat.completions.create, model="gpt-4o")\nask(messages=[], max_tokens=200)\n')).toEqual(['present']);
    expect(await findPythonCalls(`${PRELUDE}ask = partial(client.chat.completions.create, model="gpt-4o")\nask(messages=[], max_tokens=200)\n`)).toMatchObject([{ outputLimit: 200 }]);
  });

  it('says unknown when a call of the partial cannot be seen', async () => {
    // Returned, stored on an attribute, passed to another function, or called with **kwargs.
    expect(await limitOf('def make():\n    ask = partial(client.chat.completions.create, model="gpt-4o")\n    return ask\n')).toEqual(['unknown']);
    expect(await limitOf('class A:\n    def __init__(self):\n        self.llm = partial(client.chat.completions.create, model="gpt-4o")\n')).toEqual(['unknown']);
    expect(await limitOf('ask = partial(client.chat.completions.create, model="gpt-4o")\nrun_eval(llm=ask)\n')).toEqual(['unknown']);
    expect(await limitOf('def go(**kw):\n    ask = partial(client.chat.completions.create, model="gpt-4o")\n    return ask(messages=[], **kw)\n')).toEqual(['unknown']);
    expect(await limitOf('ask = partial(client.chat.completions.create, model="gpt-4o")\n')).toEqual(['unknown']);
  });

  it('reads the arguments a partial handed to a thread is sent with', async () => {
    const body = `async def go(messages):
    kwargs = {"model": "gpt-4o", "messages": messages, "temperature": 0.2}
    func = partial(client.chat.completions.create, **kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, func)


async def bounded(messages):
    kwargs = {"model": "gpt-4o", "messages": messages, "max_tokens": 800}
    return await asyncio.to_thread(functools.partial(client.chat.completions.create, **kwargs))
`;
    expect(await limitOf(body)).toEqual(['missing', 'present']);
  });
});

describe('Python method aliases', () => {
  it('finds a call through a bare name bound to the SDK method', async () => {
    const calls = await findPythonCalls(`${PRELUDE}def ask(q):\n    create = client.chat.completions.create\n    return create(model="gpt-4o", messages=[{"role": "user", "content": q}])\n`);
    expect(calls).toMatchObject([{ api: 'openai-chat', callee: 'create', limit: 'missing', model: 'gpt-4o' }]);
  });

  it('leaves a bare name bound to something else alone', async () => {
    expect(await limitOf('def ask(q):\n    create = make_thing\n    return create(model="gpt-4o")\n')).toEqual([]);
    expect(await limitOf('def ask(q, create):\n    return create(model="gpt-4o", messages=[])\n')).toEqual([]);
  });
});

describe('Python asyncio.to_thread(sdk_method, …)', () => {
  it('reads the keyword arguments it calls the method with', async () => {
    expect(await limitOf('async def go(m):\n    return await asyncio.to_thread(client.chat.completions.create, model="gpt-4o", messages=m)\n')).toEqual(['missing']);
    expect(await limitOf('async def go(m):\n    return await asyncio.to_thread(client.chat.completions.create, model="gpt-4o", messages=m, max_tokens=64)\n')).toEqual(['present']);
  });

  it('does not take a project function handed to a thread for an SDK call', async () => {
    expect(await limitOf('def work(x):\n    return x\n\nasync def go():\n    return await asyncio.to_thread(work, 1)\n')).toEqual([]);
  });
});

describe('TypeScript casts around the receiver', () => {
  it('finds `(client.responses as any).create(…)` and `(client as T).chat.completions.create(…)`', () => {
    const text = `import OpenAI from 'openai';
const client = new OpenAI();
export const a = (prompt: string) => (client.responses as any).create({ model: 'gpt-4.1', input: prompt });
export const b = (prompt: string) => (<any>client.chat.completions).create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt }], max_tokens: 100 });
export const c = (prompt: string) => (client.chat.completions satisfies object as typeof client.chat.completions).create({ model: 'gpt-4o', messages: [] });
`;
    const calls = findTypeScriptCalls('cast.ts', text);
    expect(calls.map((c) => [c.api, c.limit, c.model])).toEqual([
      ['openai-responses', 'missing', 'gpt-4.1'],
      ['openai-chat', 'present', 'gpt-4o'],
      ['openai-chat', 'missing', 'gpt-4o'],
    ]);
  });
});
