/** The official Python `openai` package's Files and Batches methods through the proxy (venv from scripts/test-setup/10-python-sdk.mjs). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import { startHarness, type Harness } from '../support/harness';

const python = join(process.cwd(), '.cache', 'pyenv', 'bin', 'python');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.upstream.batch.autoComplete = true;
});
afterAll(async () => h.close());

const SCRIPT = `
import io, json, os
from openai import OpenAI
client = OpenAI(base_url=os.environ["BASE_URL"], api_key="sk-python-batch", max_retries=0)
lines = [
    {"custom_id": f"py-{i}", "method": "POST", "url": "/v1/chat/completions",
     "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"python batch question {i}"}], "max_tokens": 30}}
    for i in range(3)
]
data = ("\\n".join(json.dumps(l) for l in lines) + "\\n").encode()
f = client.files.create(file=("input.jsonl", io.BytesIO(data)), purpose="batch")
b = client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h",
                          extra_headers={"x-tollgate-feature": "py-eval"})
b = client.batches.retrieve(b.id)
out = client.files.content(b.output_file_id).text
ids = sorted(json.loads(l)["custom_id"] for l in out.strip().split("\\n"))
print(json.dumps({"id": b.id, "status": b.status, "ids": ids, "listed": any(x.id == b.id for x in client.batches.list().data)}))
`;

describe('openai (Python SDK) batches through the proxy', () => {
  it('upload, create, retrieve, list and download work unchanged, with a ledger row per result at the batch rate', async () => {
    expect(existsSync(python), 'run `npm test` (its setup installs the Python SDK into .cache/pyenv)').toBe(true);
    const r = await promisify(execFile)(python, ['-c', SCRIPT], { env: { ...process.env, BASE_URL: h.openaiBaseUrl }, encoding: 'utf8', timeout: 60_000 });
    const out = JSON.parse(r.stdout) as { id: string; status: string; ids: string[]; listed: boolean };
    expect(out.status).toBe('completed');
    expect(out.ids).toEqual(['py-0', 'py-1', 'py-2']);
    expect(out.listed).toBe(true);
    const rows = h.proxy.services.ledger.page({}, 100).calls.filter((c) => c.route === `batch ${out.id}`);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.tags.feature).toBe('py-eval');
      const standard = priceCall(row.modelUsed, { inputTokens: row.inputTokens, outputTokens: row.outputTokens }, 'openai').totalUsd;
      expect(row.costUsd).toBeCloseTo(standard / 2, 12);
    }
  });
});
