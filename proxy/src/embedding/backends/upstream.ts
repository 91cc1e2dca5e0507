import { setTimeout as delay } from 'node:timers/promises';
import { fetch } from 'undici';
import { retryAfterMs } from '../../governance/retryAfter';
import { outboundDispatcher } from '../../server/security/outbound';
import type { UpstreamEmbedderConfig } from '../config';
import { isAzureHost, PROTOCOLS } from '../../providers/protocol';
import { documentedWindow } from '../../cache/semantic/inputLimit';
import { DEFAULT_THRESHOLDS } from '../thresholds';
import type { Embedder, EmbedderInfo } from '../types';
import { normalized } from './normalize';

/** An embeddings reply, vLLM's /v1/models (`id`, `max_model_len`) or TEI's /info (`max_input_length`). */
interface EmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: unknown[]; id?: unknown; max_model_len?: unknown }>;
  /** OpenAI's `{ error: { message } }`, TEI's and Ollama's `{ error: "…" }`, Voyage's `{ detail: "…" }`. */
  error?: { message?: unknown } | string;
  detail?: unknown;
  max_input_length?: unknown;
}

/** Builds the upstream config from the environment (teams that prefer the provider's embeddings). */
export function upstreamConfigFromEnv(env: NodeJS.ProcessEnv = process.env): UpstreamEmbedderConfig {
  const dimensions = Number(env.TOLLGATE_EMBEDDINGS_DIMENSIONS);
  return {
    backend: 'upstream',
    baseUrl: env.TOLLGATE_EMBEDDINGS_BASE_URL?.trim() || PROTOCOLS.openai.defaultBaseUrl,
    model: env.TOLLGATE_EMBEDDINGS_MODEL?.trim() || 'text-embedding-3-small',
    apiKeyEnv: ['TOLLGATE_EMBEDDINGS_API_KEY', PROTOCOLS.openai.apiKeyEnv],
    ...(Number.isInteger(dimensions) && dimensions > 0 ? { dimensions } : {}),
  };
}

/**
 * The provider's OpenAI-shaped `/v1/embeddings`. Vectors are re-ordered by `index`, normalised and of the configured size (sent as `dimensions`, which OpenAI's v3 models shorten to; dropped when the model refuses it).
 * Error messages carry the HTTP status and the provider's message, never the key.
 */
export async function openUpstreamEmbedder(config: UpstreamEmbedderConfig): Promise<Embedder> {
  const keyVar = config.apiKeyEnv.find((name) => process.env[name]?.trim());
  const target = URL.parse(config.baseUrl);
  if (!target) throw new Error(`TOLLGATE_EMBEDDINGS_BASE_URL is not a URL: ${config.baseUrl}`);
  // Before the query: Azure's classic base URL ends in `/deployments/<name>?api-version=…`, and
  // AzureOpenAI puts a resource key in `api-key` there (and on Azure hosts); an Entra ID token (a JWT) goes as a Bearer.
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/embeddings`;
  const url = target.href;
  const azure = isAzureHost(url) || target.searchParams.has('api-version');

  // ada-002 and servers that cannot shorten refuse the field (OpenAI: 400 "This model does not
  // support specifying dimensions"; Voyage: 400; strict servers: 422); their vectors may already be
  // of the configured size.
  let sendDimensions = config.dimensions !== undefined;
  let dimensions = config.dimensions;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = keyVar && process.env[keyVar]!.trim();
  if (key && azure && !key.startsWith('eyJ')) headers['api-key'] = key;
  else if (key) headers.authorization = `Bearer ${key}`;

  /**
   * One request with the key, through the company proxy of HTTPS_PROXY/NO_PROXY as the provider calls go (the
   * global fetch ignores them), ended at the timeout: a stalled server would otherwise hold the one batch in flight.
   */
  async function request(to: URL | string, init: { method?: string; body?: string } = {}) {
    const signal = AbortSignal.timeout(config.timeoutMs ?? 30_000);
    const response = await fetch(to, { ...init, headers, dispatcher: outboundDispatcher(), signal }).catch((error: unknown) => {
      // undici says only "fetch failed"; the cause (a refusing proxy, an untrusted CA, DNS) is what a user can act on.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : (error as Error).message;
      throw new Error(`upstream embeddings ${to} unreachable: ${cause}`);
    });
    // The timeout also ends a body that stops mid-read: that is a timeout, not a malformed reply.
    const text = await response.text().catch((error: unknown) => {
      throw new Error(`upstream embeddings ${to} ${signal.aborted ? 'timed out reading the reply' : `reply cut off: ${(error as Error).message}`}`);
    });
    try {
      return { response, body: (JSON.parse(text) ?? {}) as EmbeddingsResponse };
    } catch (error) {
      // A bare NaN (a server writing numbers as JavaScript does) is named; a gateway's HTML error page keeps its status.
      if (response.ok) throw new Error(`malformed embeddings reply from ${to}: not JSON (${(error as Error).message})`);
      return { response, body: {} as EmbeddingsResponse };
    }
  }

  async function post(texts: string[], withDimensions: boolean, attempts: number) {
    // No `encoding_format`: floats are the API's default, and Voyage's API refuses "float" (only null or "base64").
    const body = JSON.stringify({ model: config.model, input: texts, dimensions: withDimensions ? config.dimensions : undefined });
    for (let attempt = 1; ; attempt++) {
      const reply = await request(url, { method: 'POST', body });
      const asked = retryAfterMs(Object.fromEntries(reply.response.headers), Date.now()) ?? 1000;
      if (attempt >= attempts || (reply.response.status !== 429 && reply.response.status < 500) || asked > 20_000) return reply;
      await delay(asked);
    }
  }

  async function embed(texts: string[], attempts = 1): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    let { response, body } = await post(texts, sendDimensions, attempts);
    // Only a refusal naming the field (or Voyage's bare 400) is asked again without it; a bad input stays an error.
    if (sendDimensions && (response.status === 400 || response.status === 422) && /dimension|^\{\}$/i.test(JSON.stringify(body))) {
      const retry = await post(texts, false, 1);
      sendDimensions = !retry.response.ok;
      if (retry.response.ok) ({ response, body } = retry);
    }
    const reason = [typeof body.error === 'string' ? body.error : body.error?.message, body.detail].find((x) => typeof x === 'string');
    // Some gateways answer 200 with only an error body: its reason, not "0 vectors", is what a user can act on.
    if (!response.ok || (reason && !body.data)) {
      throw new Error(`upstream embeddings ${url} failed: HTTP ${response.status} ${reason ?? response.statusText}`.trim());
    }
    const rows = Array.isArray(body.data) ? body.data : [];
    const malformed = (why: string) => new Error(`malformed embeddings reply from ${url}: ${why}`);
    if (rows.length !== texts.length) throw malformed(`${rows.length} vectors for ${texts.length} inputs`);
    const vectors: Float32Array[] = new Array(texts.length);
    rows.forEach((row, position) => {
      const index = Number(row.index ?? position);
      // A repeated, fractional or non-numeric `index` would leave a gap; a `null` entry (llama.cpp's NaN) a silent 0,
      // and 1e999 (valid JSON, Infinity) a NaN vector.
      const numbers = Array.isArray(row.embedding) && row.embedding.every(Number.isFinite);
      if (!numbers || !Number.isInteger(index) || index < 0 || index >= texts.length || vectors[index]) {
        throw malformed(`row ${position} has index ${JSON.stringify(row.index)} and ${numbers ? 'an' : 'no'} embedding array of numbers`);
      }
      // The worker packs vectors at the measured size: another size would be zero-padded or cut into the next.
      if (dimensions !== undefined && row.embedding!.length !== dimensions) {
        throw new Error(`upstream embeddings returned ${row.embedding!.length}-d vectors, ${dimensions} ${config.dimensions ? 'configured (TOLLGATE_EMBEDDINGS_DIMENSIONS)' : 'measured at load'}`);
      }
      vectors[index] = normalized(row.embedding as number[]);
    });
    return vectors;
  }

  // vLLM and TEI say what the served model reads (Qwen3-Embedding: 32k; inputLimit.ts's table holds open models to
  // the smallest common server's); any failure here only keeps the table's. Not asked for a model whose provider
  // documents its window (OpenAI's /v1/models is its whole model list), nor on Azure.
  async function reportedWindow(): Promise<number | undefined> {
    const read = (path: string) => request(new URL(path, url)).then(({ response, body }) => (response.ok ? body : undefined)).catch(() => undefined);
    const [models, tei] = azure || documentedWindow(config.model) ? [] : await Promise.all([read('models'), read('../info')]);
    const window = (Array.isArray(models?.data) ? models.data.find((m) => m?.id === config.model)?.max_model_len : undefined) ?? tei?.max_input_length;
    return Number.isInteger(window) && Number(window) > 0 ? Number(window) : undefined;
  }

  // A 429 or 5xx here would leave the semantic cache off until a restart: the probe is asked again
  // when the provider says (retry-after, else 1 s; not past 20 s), up to 4 times.
  const [measured, maxInputTokens] = await Promise.all([dimensions ?? embed(['tollgate embedding probe'], 4).then(([v]) => v!.length), reportedWindow()]);
  dimensions = measured;
  const info: EmbedderInfo = {
    backend: 'upstream',
    modelId: `upstream:${target.host}/${config.model}`,
    dimensions,
    defaultThreshold: DEFAULT_THRESHOLDS.upstream,
    ...(maxInputTokens ? { maxInputTokens } : {}),
  };
  return { info, embed, close: async () => undefined };
}
