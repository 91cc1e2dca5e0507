/**
 * Counts of CJK, kana, Hangul, Thai, Arabic and emoji text, whose pieces run to dozens of bytes
 * (3–4 per character) that merge pair by pair. The oracle is js-tiktoken's own encode(); the cost
 * is measured as the rank lookups by string key the count makes, which were most of its time.
 */
import { Tiktoken } from 'js-tiktoken/lite';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../proxy/src/tokens/bpe';
import { countingChunks } from '../../proxy/src/tokens/chunks';
import { getEncoder } from '../../proxy/src/tokens/encoding';

const lcg = (seed: number) => {
  let x = seed >>> 0;
  return (k: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return Math.floor((x / 4294967296) * k);
  };
};

/** `n` characters drawn from `chars` (or the code point range), with a separator every 6–30. */
function generated(n: number, seed: number, chars: string[], range: [number, number], separators: string[]): string {
  const r = lcg(seed);
  let s = '';
  let since = 0;
  while (s.length < n) {
    s += r(10) < 6 ? chars[r(chars.length)]! : String.fromCodePoint(range[0] + r(range[1] - range[0] + 1));
    if (++since > 6 + r(24)) {
      s += separators[r(separators.length)]!;
      since = 0;
    }
  }
  return s;
}

const SCRIPTS: Record<string, (n: number, seed: number) => string> = {
  han: (n, seed) => generated(n, seed, [...'的一是不了人我在有他这中大来上个国和也子时道出而要于就下得可你年生自会那后能对着'], [0x4e00, 0x9fa5], ['，', '。', '、', '“', '”', '\n']),
  kana: (n, seed) => generated(n, seed, [...'のはをにがでてとしたするいうこれ日本語'], [0x3041, 0x30f6], ['、', '。', 'ー', '\n']),
  hangul: (n, seed) => generated(n, seed, [...'이는을를에서하다고의가한'], [0xac00, 0xd7a3], [' ', ' ', '. ']),
  thai: (n, seed) => generated(n, seed, [...'กขคงจนมยรลวสหอะาำิีึืุูเแโใไ่้็์'], [0x0e01, 0x0e3a], [' ']),
  arabic: (n, seed) => generated(n, seed, [...'السلامعليكمفيمنإلىهذاوكان'], [0x0621, 0x0652], [' ', ' ', '، ']),
  emoji: (n, seed) => generated(n, seed, ['👨‍👩‍👧‍👦', '🏳️‍🌈', '👩🏽‍💻', '🧑‍🤝‍🧑', '❤️‍🔥', '👁️‍🗨️', '🫱🏻‍🫲🏿', '🇯🇵', '👍🏼'], [0x1f600, 0x1f64f], [' ', '', '\n']),
};

/** Written sentences, not generated: the mix a pasted document has. */
const WRITTEN = [
  '北京是中华人民共和国的首都，也是全国的政治、文化中心。今天天气很好，我们一起去公园散步吧！',
  '東京は日本の首都です。昨日、友達と一緒にラーメンを食べに行きました。とても美味しかったです。',
  '서울은 대한민국의 수도입니다. 오늘은 날씨가 아주 좋아서 친구들과 함께 한강 공원에 갔습니다.',
  'กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย วันนี้อากาศดีมากและเราไปเดินเล่นที่สวนสาธารณะด้วยกัน',
  'القاهرة هي عاصمة جمهورية مصر العربية، وهي أكبر مدينة في العالم العربي وأفريقيا من حيث عدد السكان.',
  'Family: 👨‍👩‍👧‍👦 flag 🏳️‍🌈 coder 👩🏽‍💻 — 混合 text with 日本語 and 한국어, 123 ٤٥٦ and ไทย.',
].join('\n');

describe('counts of non-Latin text', () => {
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    it(`are exactly js-tiktoken's for each script and several sizes (${name})`, () => {
      const enc = getEncoder(name);
      for (const [script, make] of Object.entries(SCRIPTS)) {
        for (const [n, seed] of [[40, 1], [700, 2], [3000, 3]] as const) {
          const text = make(n, seed);
          expect(countTokens(enc, text), `${script} ${n}`).toBe(enc.encode(text, [], []).length);
        }
      }
      const mixed = Object.values(SCRIPTS).map((make, i) => make(300, 10 + i)).join(' ');
      expect(countTokens(enc, mixed), 'mixed').toBe(enc.encode(mixed, [], []).length);
      expect(countTokens(enc, WRITTEN), 'written').toBe(enc.encode(WRITTEN, [], []).length);
      for (const line of WRITTEN.split('\n')) expect(countTokens(enc, line), line).toBe(enc.encode(line, [], []).length);
    }, 120_000);
  }

  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    it(`a token longer than a short piece, written alone, counts as js-tiktoken counts it: merging its bytes gives it back (${name})`, () => {
      const enc = getEncoder(name);
      const ranks = (enc as unknown as { rankMap: Map<string, number> }).rankMap;
      const utf8 = new TextDecoder('utf-8', { fatal: true });
      let checked = 0;
      for (const key of ranks.keys()) {
        const bytes = Uint8Array.from(key.split(','), Number);
        if (bytes.length <= 16) continue;
        let text: string;
        try {
          text = utf8.decode(bytes);
        } catch {
          continue;
        }
        expect(countTokens(enc, text), text).toBe(enc.encode(text, [], []).length);
        checked++;
      }
      expect(checked).toBeGreaterThan(500);
    }, 120_000);
  }

  it('never key a piece longer than 16 bytes whole (a CJK run is rarely a token; the key cost an eighth of its count)', () => {
    class CountingMap extends Map<string, number> {
      longKeys = 0;
      override has(key: string): boolean {
        if (key.split(',').length > 16) this.longKeys++;
        return super.has(key);
      }
    }
    const real = getEncoder('o200k_base') as unknown as { rankMap: Map<string, number>; patStr: string };
    const rankMap = new CountingMap(real.rankMap);
    const enc = Object.assign(Object.create(Tiktoken.prototype) as Tiktoken, { ...real, rankMap });
    const text = `${WRITTEN}\n${SCRIPTS.han!(3000, 5)}`;
    expect(countTokens(enc, text)).toBe(getEncoder('o200k_base').encode(text, [], []).length);
    expect(rankMap.longKeys).toBe(0);
  }, 60_000);

  it('text without spaces is counted a part at a time, cut before punctuation, and the parts add up to the whole', () => {
    // Chinese and Japanese without spaces, and the neighbours a cut must not split: a contraction's
    // apostrophe, a combining mark (after a letter, and after punctuation, whose piece it joins), digits,
    // an emoji and punctuation runs before the marks cut at.
    const edges = ["don't，", "it'S。", 'é\u0301，', 'x\u0301\u0301！', '12，', '34。', '👍🏼，', '。。，', '“引用”，', '！？', 'Ａ，', '字\n，', '𠀀，', '。\u0301，', '!\u0301，'];
    const text = [SCRIPTS.han!(3_000, 21), ...edges, WRITTEN.split('\n')[1]!, SCRIPTS.han!(2_000, 22), ...edges.reverse()].join('');
    // Size 1: cut at every boundary found, so each is checked.
    const parts = countingChunks(text, 1);
    expect(parts.join('')).toBe(text);
    expect(parts.length).toBeGreaterThan(100);
    for (const name of ['o200k_base', 'cl100k_base'] as const) {
      const enc = getEncoder(name);
      const sum = parts.reduce((n, part) => n + countTokens(enc, part), 0);
      expect(sum, name).toBe(enc.encode(text, [], []).length);
    }
    // A 200k-character Chinese prompt is counted in parts of about 32k characters, as an English one is.
    expect(countingChunks(SCRIPTS.han!(200_000, 23), 32 * 1024).length).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it('look pairs up by string key once per distinct pair, not once per occurrence', () => {
    // Encoders over the real ranks whose rank maps count lookups by key (a fresh map: a cold cache).
    class CountingMap extends Map<string, number> {
      gets = 0;
      override get(key: string): number | undefined {
        this.gets++;
        return super.get(key);
      }
    }
    const real = getEncoder('o200k_base') as unknown as { rankMap: Map<string, number>; patStr: string };
    const lookups = (text: string): number => {
      const rankMap = new CountingMap(real.rankMap);
      const enc = Object.assign(Object.create(Tiktoken.prototype) as Tiktoken, { ...real, rankMap });
      expect(countTokens(enc, text)).toBe(countTokens(getEncoder('o200k_base'), text));
      return rankMap.gets;
    };
    // A document quoting the same paragraphs 200 times merges no pair the first copy did not.
    const once = lookups(WRITTEN);
    expect(lookups(Array(200).fill(WRITTEN).join('\n'))).toBeLessThan(3 * once);
  }, 60_000);
});
