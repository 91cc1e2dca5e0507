import { fetch } from 'undici';
import { outboundDispatcher } from '../../server/security/outbound';
import type { UpstreamEmbedderConfig } from '../config';
import { PROTOCOLS } from '../../providers/protocol';
import { DEFAULT_THRESHOLDS } from '../thresholds';
import type { Embedder, EmbedderInfo } from '../types';
import { normalized } from './normalize';

interface EmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: number[] }>;
  error?: { message?: string };
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
  const url = `${config.baseUrl.replace(/\/+$/, '')}/embeddings`;

  // ada-002 and servers that cannot shorten refuse the field (OpenAI: 400 "This model does not
  // support specifying dimensions"; Voyage: 400; strict servers: 422); their vectors may already be
  // of the configured size.
  let sendDimensions = config.dimensions !== undefined;

  async function post(texts: string[], withDimensions: boolean) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (keyVar) headers.authorization = `Bearer ${process.env[keyVar]!.trim()}`;
    // Through the company proxy of HTTPS_PROXY/NO_PROXY, as the provider calls go (the global fetch ignores them).
    // No `encoding_format`: floats are the API's default, and Voyage's API refuses "float" (only null or "base64").
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: config.model, input: texts, dimensions: withDimensions ? config.dimensions : undefined }),
      dispatcher: outboundDispatcher(),
    }).catch((error: unknown) => {
      // undici says only "fetch failed"; the cause (a refusing proxy, an untrusted CA, DNS) is what a user can act on.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : (error as Error).message;
      throw new Error(`upstream embeddings ${url} unreachable: ${cause}`);
    });
    return { response, body: (await response.json().catch(() => ({}))) as EmbeddingsResponse };
  }

  async function embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    let { response, body } = await post(texts, sendDimensions);
    if (sendDimensions && (response.status === 400 || response.status === 422)) {
      const retry = await post(texts, false);
      sendDimensions = !retry.response.ok;
      if (retry.response.ok) ({ response, body } = retry);
    }
    if (!response.ok) {
      throw new Error(`upstream embeddings ${url} failed: HTTP ${response.status} ${body.error?.message ?? ''}`.trim());
    }
    const rows = body.data ?? [];
    if (rows.length !== texts.length) {
      throw new Error(`upstream embeddings returned ${rows.length} vectors for ${texts.length} inputs`);
    }
    const vectors: Float32Array[] = new Array(texts.length);
    rows.forEach((row, position) => {
      const index = row.index ?? position;
      if (!Array.isArray(row.embedding) || index < 0 || index >= texts.length) {
        throw new Error('upstream embeddings returned a malformed row');
      }
      if (config.dimensions !== undefined && row.embedding.length !== config.dimensions) {
        throw new Error(`upstream embeddings returned ${row.embedding.length}-d vectors, ${config.dimensions} configured (TOLLGATE_EMBEDDINGS_DIMENSIONS)`);
      }
      vectors[index] = normalized(row.embedding);
    });
    return vectors;
  }

  const dimensions = config.dimensions ?? (await embed(['tollgate embedding probe']))[0]!.length;
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the raw string; it only labels the vector namespace
  }
  const info: EmbedderInfo = {
    backend: 'upstream',
    modelId: `upstream:${host}/${config.model}`,
    dimensions,
    defaultThreshold: DEFAULT_THRESHOLDS.upstream,
  };
  return { info, embed, close: async () => undefined };
}
