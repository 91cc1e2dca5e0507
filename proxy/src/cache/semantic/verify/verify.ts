/**
 * Optional verification of an uncertain semantic candidate by the provider's small-tier model:
 * one short non-streaming call (prompt.ts), bounded by a timeout; any failure, timeout or unclear
 * reply counts as "not verified" (a miss), never as a hit. The caller records its cost.
 */
import { request, type Dispatcher } from 'undici';
import type { ResolvedProvider } from '../../../policy/schema';
import { priceCall, pricedAs } from '../../../pricing/price';
import { authHeaderValue, PROTOCOLS } from '../../../providers/protocol';
import { VERIFY_SYSTEM_PROMPT, parseVerdict, verifyUserMessage } from './prompt';

export interface VerifyInput {
  provider: ResolvedProvider;
  apiKey?: string;
  model: string;
  query: string;
  stored: string;
  timeoutMs: number;
  dispatcher?: Dispatcher;
}

export interface VerifyResult {
  same: boolean | undefined;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  priced: boolean;
  ms: number;
  error?: string;
}

interface OpenAIReply {
  choices?: Array<{ message?: { content?: unknown } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}
interface AnthropicReply {
  content?: Array<{ type?: string; text?: unknown }>;
  usage?: { input_tokens?: number; output_tokens?: number };
}

export async function verifySameRequest(v: VerifyInput): Promise<VerifyResult> {
  const started = performance.now();
  const p = v.provider;
  const anthropic = p.kind === 'anthropic';
  const headers: Record<string, string> = { ...(p.headers ?? {}), 'content-type': 'application/json' };
  Object.assign(headers, PROTOCOLS[p.kind].requiredHeaders);
  if (v.apiKey) headers[p.authHeader] = authHeaderValue(p.authHeader, v.apiKey);
  const user = verifyUserMessage(v.query, v.stored);
  const body = anthropic
    ? { model: v.model, max_tokens: 3, temperature: 0, system: VERIFY_SYSTEM_PROMPT, messages: [{ role: 'user', content: user }] }
    : { model: v.model, max_tokens: 3, temperature: 0, messages: [{ role: 'system', content: VERIFY_SYSTEM_PROMPT }, { role: 'user', content: user }] };
  const none = (error: string): VerifyResult => ({ same: undefined, inputTokens: 0, outputTokens: 0, costUsd: 0, priced: true, ms: performance.now() - started, error });
  const abort = AbortSignal.timeout(v.timeoutMs);
  try {
    const res = await request(`${p.baseUrl}${anthropic ? '/v1/messages' : '/chat/completions'}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: abort,
      ...(v.dispatcher ? { dispatcher: v.dispatcher } : {}),
      headersTimeout: v.timeoutMs,
      bodyTimeout: v.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) return none(`verification call failed: HTTP ${res.statusCode}`);
    let reply = '';
    let inputTokens = 0;
    let outputTokens = 0;
    if (anthropic) {
      const j = JSON.parse(text) as AnthropicReply;
      reply = (j.content ?? []).map((c) => (typeof c.text === 'string' ? c.text : '')).join('');
      inputTokens = j.usage?.input_tokens ?? 0;
      outputTokens = j.usage?.output_tokens ?? 0;
    } else {
      const j = JSON.parse(text) as OpenAIReply;
      const c = j.choices?.[0]?.message?.content;
      reply = typeof c === 'string' ? c : '';
      inputTokens = j.usage?.prompt_tokens ?? 0;
      outputTokens = j.usage?.completion_tokens ?? 0;
    }
    // Priced as the ledger prices a call to this provider (by its base URL, else name, else protocol).
    const price = priceCall(v.model, { inputTokens, outputTokens }, pricedAs(p));
    return { same: parseVerdict(reply), inputTokens, outputTokens, costUsd: price.totalUsd, priced: price.priced, ms: performance.now() - started };
  } catch (err) {
    return none(abort.aborted ? `verification timed out after ${v.timeoutMs} ms` : `verification call failed: ${(err as Error).message}`);
  }
}
