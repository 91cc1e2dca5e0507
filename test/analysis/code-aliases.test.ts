/**
 * A sub-client held in a variable (`const completions = client.chat.completions`) is still the Chat
 * Completions API: the call is not the legacy Completions API with its 16-token default limit, and
 * a missing limit is reported. Written the way projects wrap a client in a module-level constant.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { findPythonCalls } from '../../proxy/src/analysis/code/python-calls';
import { findTypeScriptCalls } from '../../proxy/src/analysis/code/typescript-calls';

const Q = 'Summarise the ticket below in three bullet points for the on-call engineer.';

describe('TypeScript: aliases of a sub-client', () => {
  const ts = `import OpenAI from 'openai';
const openai = new OpenAI();
const chat = openai.chat;
const completions = chat.completions;
export const summarise = (ticket: string) =>
  completions.create({ model: 'gpt-4o', messages: [{ role: 'system', content: '${Q}' }, { role: 'user', content: ticket }] });
export const legacy = (q: string) => openai.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: q });
`;

  it('classifies completions.create through the alias as Chat Completions', () => {
    const [alias, legacy] = findTypeScriptCalls('svc.ts', ts);
    expect(alias).toMatchObject({ api: 'openai-chat', callee: 'completions.create', limit: 'missing' });
    expect(alias!.chat).toBeUndefined();
    // The real legacy Completions call keeps its default limit.
    expect(legacy).toMatchObject({ api: 'openai-completions', limit: 'present', outputLimit: 16, chat: false });
  });

  it('reports the missing limit and counts the system prompt', async () => {
    const r = await analyzeFile({ path: 'svc.ts', text: ts });
    expect(r.diagnostics.filter((d) => d.ruleId === 'missing-output-limit').map((d) => d.range.start.line)).toEqual([5]);
    // Chat framing: the literal system prompt is a message; the user's ticket is unknown content.
    expect(r.calls[0]!.perMessage.map((m) => m.role)).toEqual(['system']);
    expect(r.calls[0]!.placeholders).toBe(1);
    expect(r.calls[0]!.inputTokens).toBeGreaterThan(10);
    expect(r.calls[0]!.worstCaseOutputUsd).toBeUndefined();
  });
});

describe('Python: aliases of a sub-client', () => {
  const py = `from openai import OpenAI
client = OpenAI()
completions = client.chat.completions

def summarise(ticket):
    return completions.create(model="gpt-4o", messages=[{"role": "system", "content": "${Q}"}, {"role": "user", "content": ticket}])
`;

  it('classifies completions.create through the alias as Chat Completions', async () => {
    const [call] = await findPythonCalls(py);
    expect(call).toMatchObject({ api: 'openai-chat', callee: 'completions.create', limit: 'missing' });
    expect(call!.chat).toBeUndefined();
  });

  it('reports the missing limit with the max_completion_tokens fix', async () => {
    const r = await analyzeFile({ path: 'svc.py', text: py });
    const f = r.diagnostics.filter((d) => d.ruleId === 'missing-output-limit');
    expect(f).toHaveLength(1);
    expect(f[0]!.fixes[0]!.title).toBe('Add max_completion_tokens=1024');
  });
});
