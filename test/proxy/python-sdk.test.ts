/** The official Python `openai` package (installed by scripts/test-setup/10-python-sdk.mjs) against the proxy. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

const python = join(process.cwd(), '.cache', 'pyenv', 'bin', 'python');
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const SCRIPT = `
import json, os, sys
from openai import OpenAI
client = OpenAI(base_url=os.environ["BASE_URL"], api_key="sk-python-test", max_retries=0)
out = {}
raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "python says hello"}])
out["first"] = raw.parse().choices[0].message.content
out["first_cache"] = raw.headers.get("x-tollgate-cache")
raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "python says hello"}])
out["second"] = raw.parse().choices[0].message.content
out["second_cache"] = raw.headers.get("x-tollgate-cache")
def streamed():
    text = ""
    for chunk in client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "python streams"}], stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
    return text
out["stream1"] = streamed()
out["stream2"] = streamed()
try:
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "boom [[fake:500]]"}])
    out["error"] = None
except Exception as e:
    out["error"] = type(e).__name__
print(json.dumps(out))
`;

describe('openai (Python SDK) through the proxy', () => {
  it('JSON and streaming: miss then exact hit with identical content; errors surface as SDK exceptions', async () => {
    expect(existsSync(python), 'run `npm test` (its setup installs the Python SDK into .cache/pyenv)').toBe(true);
    const before = h.upstream.calls();
    // Asynchronous: the proxy runs in this process and must keep serving while Python waits.
    const r = await promisify(execFile)(python, ['-c', SCRIPT], { env: { ...process.env, BASE_URL: h.openaiBaseUrl }, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, string | null>;
    expect(out.first_cache).toBe('miss');
    expect(out.second_cache).toBe('exact');
    expect(out.second).toBe(out.first);
    expect(out.first).toContain('python says hello');
    expect(out.stream2).toBe(out.stream1);
    expect(out.stream1).toContain('python streams');
    expect(out.error).toBe('InternalServerError');
    // two misses reached the upstream, plus the failing call
    expect(h.upstream.calls() - before).toBe(2);
  });
});
