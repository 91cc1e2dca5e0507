/**
 * Asks not written in Latin script. Router features read the length of the ask from characters,
 * with no tokenizer on the hot path: at four characters a token, a Chinese or Japanese ask — about
 * a token per character — looked a quarter of its length. And the learned router's embedding
 * (USE-lite, an English vocabulary) turns such an ask into noise: a long, hard design question in
 * Chinese came out P(≥ medium) = 0.04 and went to the small tier. It now routes on the cheap
 * features, and says so in the header.
 */
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { estimateTokens } from '../../proxy/src/routing/features';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { embeddingReadsAsk } from '../../proxy/src/routing/learned/features';
import { routeRequest, type RouteInput } from '../../proxy/src/routing/route';

const tiers = { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } };
const HARD_ZH =
  '请为一个支付账本设计一个多区域事件存储系统。它必须保证恰好一次处理，在丢失一个区域时不丢失已确认的写入，并保持p99写入延迟低于50毫秒。' +
  '比较基于共识的复制与异步复制加对账，分析各自的故障模式，并逐步论证你的选择。';
const HARD_KO =
  '결제 원장을 위한 다중 리전 이벤트 저장소를 설계하세요. 정확히 한 번 처리를 보장해야 하고, 한 리전을 잃어도 확인된 쓰기를 잃지 않아야 하며, ' +
  'p99 쓰기 지연 시간을 50ms 미만으로 유지해야 합니다. 합의 기반 복제와 비동기 복제를 비교하고 각각의 장애 모드를 분석하세요.';
const EASY_ZH = '葡萄牙的首都是哪里？';

const HARD_RU =
  'Спроектируйте многорегиональное хранилище событий для платёжного реестра. Оно должно гарантировать обработку ровно один раз, ' +
  'переживать потерю региона без потери подтверждённых записей и держать задержку записи p99 ниже 50 мс. Сравните репликацию на ' +
  'основе консенсуса с асинхронной репликацией, проанализируйте режимы отказа каждой.';

function route(router: 'learned' | 'score', text: string, embedding?: RouteInput['embedding']) {
  return routeRequest({
    policy: PolicySchema.parse({ routing: { tiers, router } }),
    provider: 'openai',
    model: 'auto',
    messages: [{ role: 'user', text }],
    headers: {},
    inputTokens: 0,
    ...(embedding ? { embedding } : { embeddingUnavailable: 'test' }),
  })!;
}
const tierOf = (router: 'learned' | 'score', text: string) => route(router, text).tier;

/** A USE-lite-shaped vector (its content does not matter: an unreadable ask must not use it). */
const vector = (): RouteInput['embedding'] => ({ modelId: USE_LITE_MODEL_ID, vector: Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) / 16) });

describe('CJK asks', () => {
  it('estimateTokens: a CJK character is about a token, other text four characters a token', () => {
    expect(estimateTokens('a'.repeat(400))).toBe(100);
    expect(estimateTokens('设'.repeat(100))).toBe(100);
    expect(estimateTokens(`${'设'.repeat(10)}${'a'.repeat(40)}`)).toBe(20);
  });

  for (const router of ['learned', 'score'] as const) {
    it(`${router}: a long, hard Chinese or Korean ask is not sent to the small tier; a short question still is`, () => {
      expect(tierOf(router, HARD_ZH)).not.toBe('small');
      expect(tierOf(router, HARD_KO)).not.toBe('small');
      expect(tierOf(router, EASY_ZH)).toBe('small');
    });
  }

  it('learned: an ask in a script the embedding cannot read routes on the cheap features, and says so', () => {
    for (const text of [HARD_ZH, HARD_KO, HARD_RU]) {
      expect(embeddingReadsAsk(text)).toBe(false);
      const d = route('learned', text, vector());
      expect(d.learned?.variant).toBe('cheap');
      expect(d.header).toContain('by=cheap(ask not in Latin script)');
      expect(d.tier).toBe(route('learned', text).tier);
      expect(d.tier).not.toBe('small');
    }
    // English, German and code keep the embedding.
    for (const text of ['What is the capital of Portugal?', 'Wie heißt die Hauptstadt von Portugal?', 'x = [i*i for i in range(10)]  # ???', '1 + 1 = ?']) {
      expect(embeddingReadsAsk(text)).toBe(true);
      expect(route('learned', text, vector()).learned?.variant).toBe('embedding');
    }
  });

  it('learned: team exemplars do not vote on an ask the embedding cannot read (unrelated prompts in its script look alike)', () => {
    const policy = PolicySchema.parse({ routing: { tiers } });
    const vote = { tier: 'large' as const, similarity: 0.94, line: 3 };
    const input = (text: string): RouteInput => ({ policy, provider: 'openai', model: 'auto', messages: [{ role: 'user', text }], headers: {}, inputTokens: 0, embedding: vector(), exemplars: [vote, vote] });
    const zh = routeRequest(input(EASY_ZH))!;
    expect(zh.learned?.exemplars).toEqual([]);
    expect(zh.tier).toBe('small');
    expect(zh.header).not.toContain('exemplars');
    // A readable ask still follows its exemplars.
    const en = routeRequest(input('What is the capital of Portugal?'))!;
    expect(en.learned?.exemplars).toHaveLength(2);
    expect(en.header).toContain('by=exemplars:2@0.94');
  });
});
