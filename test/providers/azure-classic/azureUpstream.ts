/**
 * A fake Azure OpenAI resource speaking Azure's wire format on its classic deployment routes:
 * `/openai/deployments/{deployment}/{chat/completions,completions,embeddings}?api-version=…`, the key
 * in `api-key` (or an Entra ID token as `Authorization: Bearer`), 401/404 bodies as Azure sends
 * them, the answer's `model` the model the deployment runs, `prompt_filter_results` and
 * `content_filter_results` on chat answers and chunks, and the usage chunk when
 * `stream_options.include_usage`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

export interface AzureRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Json;
}

export interface AzureUpstream {
  /** The resource's base URL as Azure's docs give it for these routes (`…/openai`). */
  baseUrl: string;
  requests: AzureRequest[];
  close(): Promise<void>;
}

const FILTERS = { hate: { filtered: false, severity: 'safe' }, self_harm: { filtered: false, severity: 'safe' }, sexual: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };
const PROMPT_FILTERS = [{ prompt_index: 0, content_filter_results: FILTERS }];

/** Tokens as the fake counts them: one per word. */
const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;

function lastUser(body: Json): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const m = [...messages].reverse().find((x) => x.role === 'user');
  if (typeof m?.content === 'string') return m.content;
  if (typeof body.prompt === 'string') return body.prompt;
  return '';
}

export async function startAzureUpstream(o: { key: string; entraToken: string; deployments: Record<string, string> }): Promise<AzureUpstream> {
  const requests: AzureRequest[] = [];
  let seq = 0;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'apim-request-id': `apim-${++seq}`, 'x-ms-region': 'East US', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://azure.local');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Json) : {};
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (req.headers['api-key'] !== o.key && bearer !== o.entraToken) {
        return json(res, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
      }
      const m = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/.exec(url.pathname);
      const model = m ? o.deployments[decodeURIComponent(m[1]!)] : undefined;
      if (!m || !model || !url.searchParams.get('api-version')) {
        return json(res, 404, { error: { code: '404', message: 'Resource not found' } });
      }
      const deployment = decodeURIComponent(m[1]!);
      const kind = m[2]!;
      const created = 1_733_000_000;
      if (kind === 'embeddings') {
        const inputs = Array.isArray(body.input) ? (body.input as string[]) : [String(body.input)];
        const tokens = inputs.reduce((n, s) => n + words(s), 0);
        return json(res, 200, { object: 'list', model, data: inputs.map((_, i) => ({ object: 'embedding', index: i, embedding: [0.1 * (i + 1), -0.2, 0.3] })), usage: { prompt_tokens: tokens, total_tokens: tokens } });
      }
      const prompt = lastUser(body);
      const answer = `${deployment} answers: ${prompt}`;
      const usage = { prompt_tokens: words(prompt) * 10, completion_tokens: words(answer) * 10, total_tokens: (words(prompt) + words(answer)) * 10, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
      const id = `chatcmpl-az${++seq}`;
      const chat = kind === 'chat/completions';
      if (body.stream !== true) {
        const choice = chat
          ? { index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: answer, refusal: null }, content_filter_results: FILTERS }
          : { index: 0, finish_reason: 'stop', logprobs: null, text: answer, content_filter_results: FILTERS };
        return json(res, 200, { id, object: chat ? 'chat.completion' : 'text_completion', created, model, system_fingerprint: 'fp_az', prompt_filter_results: PROMPT_FILTERS, choices: [choice], usage });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'apim-request-id': `apim-${seq}` });
      const send = (o2: Json) => res.write(`data: ${JSON.stringify(o2)}\n\n`);
      const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
      const base = { id, object: chat ? 'chat.completion.chunk' : 'text_completion', created, model, system_fingerprint: 'fp_az', ...(includeUsage ? { usage: null } : {}) };
      // Azure's first chunk: no choices, the prompt's filter results, empty id/model.
      send({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: PROMPT_FILTERS });
      const pieces = answer.split(' ').map((w, i) => (i === 0 ? w : ` ${w}`));
      if (chat) send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null, logprobs: null, content_filter_results: {} }] });
      for (const p of pieces) {
        send({ ...base, choices: [chat ? { index: 0, delta: { content: p }, finish_reason: null, logprobs: null, content_filter_results: FILTERS } : { index: 0, text: p, finish_reason: null, logprobs: null, content_filter_results: FILTERS }] });
      }
      send({ ...base, choices: [chat ? { index: 0, delta: {}, finish_reason: 'stop', logprobs: null, content_filter_results: {} } : { index: 0, text: '', finish_reason: 'stop', logprobs: null }] });
      if (includeUsage) send({ ...base, choices: [], usage });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/openai`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
