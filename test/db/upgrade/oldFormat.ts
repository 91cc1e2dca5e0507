/**
 * Tables as earlier Tollgate versions wrote them, as SQL (so upgrade tests need no old commit):
 * the ledger before call ids were AUTOINCREMENT (bc9ccf9 … 3882af1).
 */

export const OLD_CALLS_DDL = `
  CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    key_fingerprint TEXT NOT NULL,
    team TEXT, feature TEXT, user TEXT,
    provider TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    model_requested TEXT NOT NULL,
    model_used TEXT NOT NULL,
    stream INTEGER NOT NULL,
    cache TEXT NOT NULL,
    similarity REAL,
    source_entry_id INTEGER,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    tokens_estimated INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    saved_usd REAL NOT NULL,
    priced INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    overhead_ms REAL NOT NULL,
    status INTEGER NOT NULL,
    error_type TEXT,
    route TEXT,
    budget TEXT,
    attempt INTEGER NOT NULL,
    prompt_preview TEXT,
    details TEXT
  );
  CREATE INDEX IF NOT EXISTS calls_ts ON calls(ts);
  CREATE INDEX IF NOT EXISTS calls_request ON calls(request_id)`;

/**
 * `count` priced gpt-4o-mini misses ($0.001, 10 + 5 tokens each) as an old version inserted them;
 * with `firstId` they get ids from there, else SQLite's next ones.
 */
export function oldCallRows(count: number, firstId?: number): string {
  const id = firstId === undefined ? 'NULL' : `${firstId - 1} + i`;
  return `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${count})
    INSERT INTO calls (id, request_id, ts, key_fingerprint, provider, endpoint, model_requested, model_used, stream, cache,
      input_tokens, output_tokens, cached_tokens, cache_write_tokens, tokens_estimated, cost_usd, saved_usd, priced,
      latency_ms, overhead_ms, status, attempt, prompt_preview)
    SELECT ${id}, 'old_' || i, 1796000000000 + i, 'tg_0000000000000000', 'openai', 'chat.completions', 'gpt-4o-mini', 'gpt-4o-mini', 0, 'miss',
      10, 5, 0, 0, 0, 0.001, 0, 1, 12.5, 1.5, 200, 1, 'old prompt ' || i FROM s`;
}

/** The semantic hit log as the first judge release wrote it (9496679), before query_vector and lookup_no. */
export const OLD_SEMANTIC_HITS_DDL = `
  CREATE TABLE IF NOT EXISTS semantic_hits (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL,
    key_namespace TEXT NOT NULL,
    feature TEXT NOT NULL,
    entry_id INTEGER NOT NULL,
    probability REAL NOT NULL,
    ts INTEGER NOT NULL,
    verdict TEXT
  );
  INSERT INTO semantic_hits (request_id, key_namespace, feature, entry_id, probability, ts, verdict)
    VALUES ('tg_old_hit', 'ns', 'search', 7, 0.97, 1796000000000, NULL)`;
