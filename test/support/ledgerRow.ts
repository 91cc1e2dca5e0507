/**
 * A plain completed call for tests that write ledger rows directly (retention, migrations, damaged
 * files): one priced gpt-4o-mini chat miss, 1 token each way, $0.001. Override what the test is about.
 */
import type { NewCallRecord } from '../../proxy/src/ledger/ledger';

export function ledgerRow(overrides: Partial<NewCallRecord> = {}): NewCallRecord {
  return {
    requestId: 'r',
    ts: Date.now(),
    keyFingerprint: 'tg_0000000000000000',
    tags: {},
    provider: 'openai',
    endpoint: 'chat.completions',
    modelRequested: 'gpt-4o-mini',
    modelUsed: 'gpt-4o-mini',
    stream: false,
    cache: 'miss',
    inputTokens: 1,
    outputTokens: 1,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    tokensEstimated: false,
    costUsd: 0.001,
    savedUsd: 0,
    priced: true,
    latencyMs: 1,
    overheadMs: 0,
    status: 200,
    attempt: 0,
    ...overrides,
  };
}
