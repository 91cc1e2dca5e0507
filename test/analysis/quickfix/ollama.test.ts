/**
 * Ollama reads its output limit as `num_predict` (in `options`), and LangChain's ChatOllama maps only
 * its `num_predict` / `numPredict` field there: a `max_tokens` / `maxTokens` argument is not one of its
 * fields and is dropped, so a fix inserting it would silence the finding and limit nothing.
 * ollama-python's `chat` / `generate` take the model as their first positional argument.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../proxy/src/analysis/index';
import { applyEdits, pythonHasErrors, tsSyntaxErrors } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe("LangChain's ChatOllama: the fix inserts the field it reads", () => {
  it.each([
    ['from langchain_ollama import ChatOllama', 'llm = ChatOllama(model="llama3.1", temperature=0)', 'llm = ChatOllama(model="llama3.1", temperature=0, num_predict=1024)'],
    ['from langchain_community.chat_models import ChatOllama', 'llm = ChatOllama(model="llama3.1")', 'llm = ChatOllama(model="llama3.1", num_predict=1024)'],
  ])('Python (%s)', async (imp, line, want) => {
    const text = lines(imp, line);
    const r = await analyzeFile({ path: '/repo/llm.py', text });
    expect(r.diagnostics).toHaveLength(1);
    const fixed = applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed.split('\n')[1]).toBe(want);
    expect(await pythonHasErrors(fixed)).toBe(false);
    expect((await analyzeFile({ path: '/repo/llm.py', text: fixed })).diagnostics).toEqual([]);
  });

  it.each([
    ["const llm = new ChatOllama({ model: 'llama3.1', temperature: 0 });", "const llm = new ChatOllama({ model: 'llama3.1', temperature: 0, numPredict: 1024 });"],
    ['const llm = new ChatOllama();', 'const llm = new ChatOllama({ numPredict: 1024 });'],
  ])('TypeScript: %s', async (line, want) => {
    const text = lines("import { ChatOllama } from '@langchain/ollama';", line);
    const r = await analyzeFile({ path: '/repo/llm.ts', text });
    expect(r.diagnostics).toHaveLength(1);
    const fixed = applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed.split('\n')[1]).toBe(want);
    expect(tsSyntaxErrors('llm.ts', fixed)).toBe(0);
    expect((await analyzeFile({ path: '/repo/llm.ts', text: fixed })).diagnostics).toEqual([]);
  });
});

describe('ollama-python: the model as the first positional argument', () => {
  it('prices and names the model it sends, not the default model', async () => {
    const r = await analyzeFile({
      path: '/repo/o.py',
      text: lines('from ollama import chat', 'r = chat("llama3.1", messages=[{"role": "user", "content": "Say hi."}])'),
    });
    expect(r.calls[0]!.model).toBe('llama3.1');
    expect(r.calls[0]!.unseen ?? []).not.toContain('model');
    // The messages are visible: the model argument hides nothing.
    expect(r.calls[0]!.unseen ?? []).not.toContain('arguments');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toContain('llama3.1');
  });

  it('generate("llama3.1", prompt) still counts the positional prompt as unseen', async () => {
    const r = await analyzeFile({ path: '/repo/o.py', text: lines('import ollama', 'r = ollama.generate("llama3.1", text)') });
    expect(r.calls[0]!.model).toBe('llama3.1');
    expect(r.calls[0]!.unseen).toContain('arguments');
  });
});

describe("LangChain's ChatOllama: a limit in a spelling it does not read limits nothing", () => {
  it.each([
    ['from langchain_ollama import ChatOllama', 'llm = ChatOllama(model="llama3.1", max_tokens=300)', 'llm = ChatOllama(model="llama3.1", num_predict=300)', 'max_tokens'],
    ['from langchain_ollama import ChatOllama', 'llm = ChatOllama(**{"model": "llama3.1", "max_new_tokens": 300})', 'llm = ChatOllama(**{"model": "llama3.1", "num_predict": 300})', 'max_new_tokens'],
  ])('Python: %s / %s', async (imp, line, want, unread) => {
    const text = lines(imp, line);
    const r = await analyzeFile({ path: '/repo/llm.py', text });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toContain(`does not read ${unread}, only num_predict`);
    const fix = r.diagnostics[0]!.fixes[0]!;
    expect(fix.title).toBe(`Rename ${unread} to num_predict`);
    const fixed = applyEdits(text, fix.edits);
    expect(fixed.split('\n')[1]).toBe(want);
    expect(await pythonHasErrors(fixed)).toBe(false);
    expect((await analyzeFile({ path: '/repo/llm.py', text: fixed })).diagnostics).toEqual([]);
  });

  it('Python: num_predict beside an unread spelling is the limit', async () => {
    const both = await analyzeFile({ path: '/repo/llm.py', text: lines('from langchain_ollama import ChatOllama', 'llm = ChatOllama(model="llama3.1", max_tokens=300, num_predict=200)') });
    expect(both.diagnostics).toEqual([]);
  });

  it.each([
    ["const llm = new ChatOllama({ model: 'llama3.1', maxTokens: 300 });", "const llm = new ChatOllama({ model: 'llama3.1', numPredict: 300 });"],
    ["const llm = new ChatOllama({ model: 'llama3.1', maxTokens });", "const llm = new ChatOllama({ model: 'llama3.1', numPredict: maxTokens });"],
  ])('TypeScript: %s', async (line, want) => {
    const text = lines("import { ChatOllama } from '@langchain/ollama';", 'const maxTokens = 300;', line);
    const r = await analyzeFile({ path: '/repo/llm.ts', text });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toContain('does not read maxTokens, only numPredict');
    const fixed = applyEdits(text, r.diagnostics[0]!.fixes[0]!.edits);
    expect(fixed.split('\n')[2]).toBe(want);
    expect((await analyzeFile({ path: '/repo/llm.ts', text: fixed })).diagnostics).toEqual([]);
  });
});

describe('ChatOllama: a numPredict bound later is dropped (LangChain.js sends this.numPredict only), so the unread maxTokens stays reported', () => {
  it.each([
    ["const llm = new ChatOllama({ model: 'llama3.1', maxTokens: 300 }).bind({ numPredict: 300 });"],
    ["const llm = new ChatOllama({ model: 'llama3.1', maxTokens: 300 }).withConfig({ numPredict: 300 });"],
    ["const base = new ChatOllama({ model: 'llama3.1', maxTokens: 300 });\nexport const llm = base.bind({ numPredict: 300 });"],
  ])('TypeScript: %s', async (line) => {
    const text = lines("import { ChatOllama } from '@langchain/ollama';", line);
    const r = await analyzeFile({ path: '/repo/llm.ts', text });
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('does not read maxTokens, only numPredict')]);
  });

  it('Python: .bind(num_predict=…) is merged into the request, so it counts after an unread max_tokens', async () => {
    const text = lines('from langchain_ollama import ChatOllama', 'llm = ChatOllama(model="llama3.1", max_tokens=300).bind(num_predict=300)');
    expect((await analyzeFile({ path: '/repo/llm.py', text })).diagnostics).toEqual([]);
  });

  it('a bind without a limit leaves the unread maxTokens reported', async () => {
    const text = lines("import { ChatOllama } from '@langchain/ollama';", "const llm = new ChatOllama({ model: 'llama3.1', maxTokens: 300 }).bind({ stop: ['\\n'] });");
    const r = await analyzeFile({ path: '/repo/llm.ts', text });
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(['missing-output-limit']);
  });
});
