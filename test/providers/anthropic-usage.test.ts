/**
 * What the ledger bills and the cache keeps of an Anthropic answer, on Anthropic's wire format (the
 * shapes of @anthropic-ai/sdk's Usage, MessageDeltaUsage and CitationsDelta types). Costs must equal
 * genai-prices' own figure for the raw answer (its extractUsage + calcPrice), and a stream must
 * assemble, and a cached answer replay, to what the real SDK builds from the same events.
 */
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceAtTier } from '../../proxy/src/batch/rates';
import { ANTHROPIC_ENDPOINTS } from '../../proxy/src/providers/anthropic';
import { frameJson, SseParser, sseFrame } from '../../proxy/src/providers/sse';
import type { Json } from '../../proxy/src/providers/types';

const spec = ANTHROPIC_ENDPOINTS.find((e) => e.id === 'messages')!;
const MODEL = 'claude-sonnet-4-20250514';

/** What the pipeline bills (settleCost: endpoint usage, then the standard tier's price). */
const ledgerUsd = (body: Json): number => priceAtTier(String(body.model), spec.usage(body)!, 'anthropic', 'standard').totalUsd;

/** genai-prices' own figure for the raw provider answer. */
function referenceUsd(body: Json): number {
  const { usage, model } = extractUsage(findProvider({ providerId: 'anthropic' })!, body);
  return calcPrice(usage, model ?? String(body.model), { providerId: 'anthropic' })!.total_price;
}

const message = (usage: Json, content: Json[] = [{ type: 'text', text: 'Hi.', citations: null }]): Json => ({
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: MODEL,
  content,
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage,
});

function assemble(sse: string): Json {
  const a = spec.assembler!();
  for (const frame of new SseParser().push(sse)) a.accept(frame, frameJson(frame));
  expect(a.complete).toBe(true);
  return a.result();
}

/** The real SDK's final message for these SSE bytes (as a client of the proxy would build it). */
async function sdkFinal(sse: string): Promise<Json> {
  return (await sdkStream(sse)).final;
}

/** The SDK's final message, and the citations its `citation` event reported while streaming. */
async function sdkStream(sse: string): Promise<{ final: Json; citationEvents: unknown[] }> {
  const client = new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: 'http://upstream.invalid',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const citationEvents: unknown[] = [];
  const stream = client.messages.stream({ model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'q' }] });
  stream.on('citation', (c) => citationEvents.push(c));
  return { final: (await stream.finalMessage()) as unknown as Json, citationEvents };
}

const events = (...e: Json[]): string => e.map((x) => sseFrame(x, String(x.type))).join('');

describe('Anthropic usage the ledger prices', () => {
  it('1-hour cache writes are billed at the 1-hour rate (JSON answer)', () => {
    const body = message({
      input_tokens: 10,
      cache_creation_input_tokens: 2_000,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 2_000 },
      output_tokens: 500,
      server_tool_use: null,
      service_tier: 'standard',
    });
    expect(ledgerUsd(body)).toBeCloseTo(referenceUsd(body), 12);
    // The same writes with a 5-minute TTL cost less: the split is what is being priced.
    const fiveMin = message({ ...(body.usage as Json), cache_creation: { ephemeral_5m_input_tokens: 2_000, ephemeral_1h_input_tokens: 0 } });
    expect(ledgerUsd(fiveMin)).toBeCloseTo(referenceUsd(fiveMin), 12);
    expect(ledgerUsd(body)).toBeGreaterThan(ledgerUsd(fiveMin));
  });

  it('a mix of 5-minute and 1-hour writes next to cache reads', () => {
    const body = message({
      input_tokens: 42,
      cache_creation_input_tokens: 3_500,
      cache_read_input_tokens: 8_000,
      cache_creation: { ephemeral_5m_input_tokens: 1_500, ephemeral_1h_input_tokens: 2_000 },
      output_tokens: 120,
      server_tool_use: null,
      service_tier: 'standard',
    });
    expect(ledgerUsd(body)).toBeCloseTo(referenceUsd(body), 12);
  });

  it('server-side web searches are billed per search (JSON answer)', () => {
    const body = message({
      input_tokens: 105,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: 480,
      server_tool_use: { web_search_requests: 5 },
      service_tier: 'standard',
    });
    expect(ledgerUsd(body)).toBeCloseTo(referenceUsd(body), 12);
    const none = message({ ...(body.usage as Json), server_tool_use: { web_search_requests: 0 } });
    expect(ledgerUsd(body)).toBeGreaterThan(ledgerUsd(none));
  });

  // message_start carries the input side (with the TTL split); message_delta the cumulative counts.
  const start = (usage: Json): Json => ({ type: 'message_start', message: { ...message(usage, []), stop_reason: null } });
  const textBlock = (index: number, text: string): Json[] => [
    { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } },
    { type: 'content_block_delta', index, delta: { type: 'text_delta', text } },
    { type: 'content_block_stop', index },
  ];
  const startUsage = {
    input_tokens: 10,
    cache_creation_input_tokens: 2_000,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 2_000 },
    output_tokens: 1,
    service_tier: 'standard',
  };

  it('a stream: 1-hour writes from message_start and web searches from message_delta', async () => {
    const sse = events(
      start(startUsage),
      ...textBlock(0, 'Searched.'),
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: 10, cache_creation_input_tokens: 2_000, cache_read_input_tokens: 0, output_tokens: 500, server_tool_use: { web_search_requests: 5 } },
      },
      { type: 'message_stop' },
    );
    const body = assemble(sse);
    expect(body.usage).toEqual((await sdkFinal(sse)).usage);
    expect(ledgerUsd(body)).toBeCloseTo(referenceUsd(await sdkFinal(sse)), 12);
  });

  it('a null count in message_delta (MessageDeltaUsage allows it) keeps message_start’s figure', async () => {
    const sse = events(
      start(startUsage),
      ...textBlock(0, 'Hi.'),
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { input_tokens: null, cache_creation_input_tokens: null, cache_read_input_tokens: null, output_tokens: 500, server_tool_use: null },
      },
      { type: 'message_stop' },
    );
    const body = assemble(sse);
    expect(body.usage).toEqual((await sdkFinal(sse)).usage);
    expect(ledgerUsd(body)).toBeCloseTo(referenceUsd(await sdkFinal(sse)), 12);
  });
});

describe('Anthropic citations through the cache', () => {
  const citation = {
    type: 'char_location',
    cited_text: 'The grass is green. ',
    document_index: 0,
    document_title: 'My Document',
    start_char_index: 0,
    end_char_index: 20,
    file_id: null,
  };
  const webCitation = {
    type: 'web_search_result_location',
    cited_text: 'Tollgate is a local proxy…',
    encrypted_index: 'EpMBCioIAhgBIiQ',
    title: 'Tollgate',
    url: 'https://example.com/tollgate',
  };
  // As the citations guide streams them: a text block's citations arrive as citations_delta events.
  const upstream = events(
    { type: 'message_start', message: { ...message({ input_tokens: 600, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }, []), stop_reason: null } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'According to the document, ' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: [] } },
    { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation } },
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'the grass is green' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: webCitation } },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 35 } },
    { type: 'message_stop' },
  );

  it('the assembled miss keeps each text block’s citations, as the SDK builds them', async () => {
    const body = assemble(upstream);
    const content = body.content as Json[];
    expect(content[1]).toEqual({ type: 'text', text: 'the grass is green', citations: [citation, webCitation] });
    expect(content[0]!.citations).toBeNull();
    expect(content).toEqual((await sdkFinal(upstream)).content);
  });

  it('an SSE replay of a cached entry round-trips the citations (SDK and assembler)', async () => {
    // A cached JSON answer, as the citations guide shows one.
    const cached = message({ input_tokens: 600, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 35 }, [
      { type: 'text', text: 'According to the document, ', citations: null },
      { type: 'text', text: 'the grass is green', citations: [citation, webCitation] },
    ]);
    const replay = spec.replay!(cached, { includeUsage: true }).join('');
    const sdk = await sdkStream(replay);
    expect(sdk.final.content).toEqual(cached.content);
    // Sent as citations_delta events, as Anthropic streams them: a client listening for citations hears each once.
    expect(sdk.citationEvents).toEqual([citation, webCitation]);
    expect(assemble(replay).content).toEqual(cached.content);
  });
});
