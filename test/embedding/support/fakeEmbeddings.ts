/**
 * A provider's OpenAI-shaped `/v1/embeddings` on 127.0.0.1, set as the proxy's upstream embedder
 * (`TOLLGATE_EMBEDDINGS_BASE_URL` / `_MODEL`) until `close`, which puts the environment back.
 * `rows` answers one request's `input` with the reply's `data` rows.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEmbeddings {
  close(): Promise<void>;
}

async function readInput(req: IncomingMessage): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] }).input;
}

export async function startFakeEmbeddings(model: string, rows: (input: string[]) => unknown[]): Promise<FakeEmbeddings> {
  const server = createServer(async (req, res) => {
    // As OpenAI answers the window reads at load (GET /v1/models of another shape, /info): nothing to read.
    if (req.method !== 'POST') return void res.writeHead(404).end();
    const data = rows(await readInput(req));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const saved = { TOLLGATE_EMBEDDINGS_BASE_URL: process.env.TOLLGATE_EMBEDDINGS_BASE_URL, TOLLGATE_EMBEDDINGS_MODEL: process.env.TOLLGATE_EMBEDDINGS_MODEL };
  process.env.TOLLGATE_EMBEDDINGS_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  process.env.TOLLGATE_EMBEDDINGS_MODEL = model;
  return {
    async close() {
      await new Promise((resolve) => server.close(resolve));
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

/** A bag of lowercased words hashed into 16 dimensions: the same words give the same vector. */
export function bagOfWords(text: string): number[] {
  const v = new Array<number>(16).fill(0);
  for (const w of text.toLowerCase().match(/\p{L}+/gu) ?? []) v[[...w].reduce((s, c) => (s * 31 + c.codePointAt(0)!) % 16, 7)]! += 1;
  return v;
}
