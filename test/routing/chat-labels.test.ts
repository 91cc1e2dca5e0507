/**
 * The learned router on chat-style asks it never saw: trained on benchmark outcomes alone, it sent
 * short questions hiding deep reasoning to medium (P(large) 0.02–0.27) and greetings to medium. The
 * chat-style hand labels (test/data/router-labels-chat.tsv) are training data only: none of the
 * evaluation sets may be in them.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUseLiteEmbedder, USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { chatTexts } from '../../proxy/src/pipeline/governanceStages';
import type { Json } from '../../proxy/src/providers/types';
import type { Tier } from '../../proxy/src/policy/schema';
import { EMBED_MAX_CHARS } from '../../proxy/src/routing/embedding';
import { routingAsk } from '../../proxy/src/routing/features';
import { predictTier } from '../../proxy/src/routing/learned/router';
import { parseLabels } from '../../scripts/lib/router/evaluate';
import { unseenCases } from './unseen/cases';

// Written for this test (in neither the training nor the evaluation files), by the rubric of unseen/README.md.
const SHORT_BUT_HARD = [
  'Is a ticket lock fair under preemption on an oversubscribed host?',
  'Can a Merkle tree anti-entropy pass miss a divergence if two replicas hash a key range the same way after a concurrent delete?',
  'Is read committed enough to stop two clerks booking the last seat twice?',
  'Prove that a bipartite graph has no odd cycle.',
  'Why can a hazard pointer scheme still leak memory under thread exit?',
  'Is it safe to derive per-tenant encryption keys with HKDF from one master key and the tenant id as salt?',
  'Does an idempotency key stored for 24 hours make retried card refunds safe across a region failover?',
  'Could a SERIALIZABLE transaction in Postgres still return a stale read to a client behind pgbouncer in transaction mode?',
];
const SMALL_TALK_AND_FACTS = ['hi!', 'thanks, all sorted now', 'What does the -r flag of cp do?', 'capital of Chile?', 'Good evening, hope you are well', 'ok cool'];

describe('the learned router on unseen chat-style asks (USE-lite)', () => {
  let embed: (text: string) => Promise<Float32Array>;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const e = await openUseLiteEmbedder();
    embed = async (t) => (await e.embed([t.slice(0, EMBED_MAX_CHARS)]))[0]!;
    close = () => e.close();
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  async function route(text: string): Promise<Tier> {
    return predictTier({ messages: [{ role: 'user', text }], embedding: { modelId: USE_LITE_MODEL_ID, vector: await embed(text) } }).tier;
  }

  it('short asks that hide deep reasoning: none to small, at least half to large', async () => {
    const tiers = await Promise.all(SHORT_BUT_HARD.map(route));
    expect(tiers.filter((t) => t === 'small')).toEqual([]);
    expect(tiers.filter((t) => t === 'large').length).toBeGreaterThanOrEqual(SHORT_BUT_HARD.length / 2);
  });

  it('greetings, acknowledgements and one-fact questions: at least two thirds to small', async () => {
    const tiers = await Promise.all(SMALL_TALK_AND_FACTS.map(route));
    expect(tiers.filter((t) => t === 'small').length).toBeGreaterThanOrEqual((2 * SMALL_TALK_AND_FACTS.length) / 3);
  });
});

describe('router-labels-chat.tsv', () => {
  const labels = parseLabels(readFileSync(new URL('../data/router-labels-chat.tsv', import.meta.url), 'utf8'));

  it('is labelled in every tier, with reasons, without duplicates', () => {
    for (const t of ['small', 'medium', 'large'] as const) expect(labels.filter((l) => l.tier === t).length).toBeGreaterThanOrEqual(60);
    for (const l of labels) expect(l.reason).toMatch(/^chat: \S/);
    expect(new Set(labels.map((l) => l.prompt)).size).toBe(labels.length);
  });

  it('holds none of the evaluation prompts (unseen cases, router-holdout.tsv, the probes above)', () => {
    const train = new Set(labels.map((l) => l.prompt.trim()));
    const holdout = parseLabels(readFileSync(new URL('./router-holdout.tsv', import.meta.url), 'utf8')).map((l) => l.prompt.trim());
    const unseen = unseenCases.map((c) => routingAsk(chatTexts(c.body as Json)).trim());
    for (const p of [...holdout, ...unseen, ...SHORT_BUT_HARD, ...SMALL_TALK_AND_FACTS]) expect(train.has(p), p.slice(0, 60)).toBe(false);
  });
});
