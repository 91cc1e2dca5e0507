/**
 * Bare names (`Agent`, `co.chat`, `completion`) count as an SDK's only in files that import it. The
 * import is read from every way a file can name the module — `require()`, a dynamic `import()`,
 * `import os, cohere` — and only from that SDK's package (Cloudflare's `agents` is not OpenAI's).
 */
import { describe, expect, it } from 'vitest';
import { findPythonCalls } from '../../proxy/src/analysis/code/python-calls';
import { findTypeScriptCalls } from '../../proxy/src/analysis/code/typescript-calls';

describe('TypeScript imports that make a bare name an SDK call', () => {
  it('an OpenAI Agents SDK Agent in a CommonJS file (require) is found', () => {
    const js = `const { Agent } = require('@openai/agents');\nconst agent = new Agent({ name: 'triage', instructions: 'Route the ticket.' });\nmodule.exports = { agent };\n`;
    expect(findTypeScriptCalls('agent.js', js).map((c) => [c.api, c.limit])).toEqual([['openai-agents', 'missing']]);
  });

  it('a Cohere chat in a file that imports cohere-ai dynamically is found', () => {
    const ts = `export async function ask(q: string) {\n  const { CohereClientV2 } = await import('cohere-ai');\n  const co = new CohereClientV2({});\n  return co.chat({ model: 'command-r-plus', messages: [{ role: 'user', content: q }] });\n}\n`;
    expect(findTypeScriptCalls('ask.ts', ts).map((c) => c.api)).toEqual(['cohere-chat']);
  });

  it("Cloudflare's `agents` package Agent is not the OpenAI Agents SDK", () => {
    const ts = `import { Agent } from 'agents';\nexport class Chat extends Agent {}\nexport const a = new Agent({ name: 'x' });\n`;
    expect(findTypeScriptCalls('cf.ts', ts)).toEqual([]);
  });
});

describe('Python imports that make a bare name an SDK call', () => {
  it('`import os, litellm` makes completion() a LiteLLM call', async () => {
    const py = `import os, litellm\nfrom litellm import completion\nr = completion(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])\n`;
    expect((await findPythonCalls(py)).map((c) => [c.api, c.limit])).toEqual([['litellm', 'missing']]);
  });

  it('`import json, cohere` makes co.chat a Cohere call', async () => {
    const py = `import json, cohere\nco = cohere.ClientV2()\nr = co.chat(model="command-r-plus", messages=[{"role": "user", "content": "hi"}])\n`;
    expect((await findPythonCalls(py)).map((c) => c.api)).toEqual(['cohere-chat']);
  });
});
