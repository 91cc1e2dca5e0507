/**
 * Prompt files written in other languages, as a probe wrote them (test/analysis/languages/). Thai
 * puts no spaces between words, so a repeated Thai rule counted as one "word" and was never
 * reported, while its English, Chinese or Arabic counterpart was; and a line pasted in decomposed
 * form (e + combining accent, as macOS and some PDFs give it) was not seen as the copy it is.
 */
import { describe, expect, it } from 'vitest';
import { analyzeFile, type FileAnalysis } from '../../../proxy/src/analysis/index';
import { wordCount } from '../../../proxy/src/analysis/text/segments';
import { applyEdits } from '../support';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const dups = (r: FileAnalysis) => r.diagnostics.filter((d) => d.ruleId === 'duplicate-text');

const thaiRule = 'ตอบสั้นๆและสุภาพไม่เกินสามประโยค';
const thai = lines(
  '# ผู้ช่วยร้านอาหาร',
  '',
  'คุณเป็นผู้ช่วยของร้านอาหารไทย กรุณาตอบเป็นภาษาไทยเสมอ',
  '',
  `- ${thaiRule}`,
  '- ห้ามให้ข้อมูลราคาที่ไม่อยู่ในเมนู',
  `- ${thaiRule}`,
  '',
  'คำถาม: {{question}}',
);

describe('duplicate text in scripts without spaces and in decomposed text', () => {
  it('a repeated Thai list item is reported like its English counterpart, and the fix removes that line only', async () => {
    const r = await analyzeFile({ path: 'prompts/restaurant.md', text: thai });
    const [d, ...rest] = dups(r);
    expect(rest).toEqual([]);
    expect(d!.range.start.line).toBe(6);
    expect(d!.message).toContain('repeats line 5');
    const fixed = applyEdits(thai, d!.fixes[0]!.edits);
    const kept = thai.split('\n');
    kept.splice(6, 1);
    expect(fixed).toBe(kept.join('\n'));
  });

  it('Thai, Lao, Khmer and Myanmar words are counted by a word segmenter; other scripts as before', () => {
    expect(wordCount(thaiRule)).toBeGreaterThanOrEqual(6);
    expect(wordCount('ខ្ញុំចង់រៀនភាសាខ្មែរ')).toBeGreaterThanOrEqual(3);
    expect(wordCount('Answer briefly and politely.')).toBe(4);
    expect(wordCount('回答要简洁，不超过三句话。')).toBe(wordCount('回答要简洁，不超过三句话。'.normalize('NFC')));
    // Short Thai text stays short: a two-word heading is not a six-word paragraph.
    expect(wordCount('ผู้ช่วยร้านอาหาร')).toBeLessThan(6);
  });

  it('a line and its copy in decomposed Unicode (NFD) are the same line', async () => {
    const nfc = 'The café review must mention the naïve owner and the crème brûlée.';
    const text = lines('# Café', '', nfc, 'Keep the review under 80 words.', nfc.normalize('NFD'));
    const [d, ...rest] = dups(await analyzeFile({ path: 'prompts/review.md', text }));
    expect(rest).toEqual([]);
    expect(d!.range.start.line).toBe(4);
    // The fix deletes the decomposed copy whole: no combining mark is left behind.
    const fixed = applyEdits(text, d!.fixes[0]!.edits);
    expect(fixed).toBe(lines('# Café', '', nfc, 'Keep the review under 80 words.'));
    expect(fixed.normalize('NFC')).toBe(fixed);
  });

  it('CJK, Arabic and emoji lines keep UTF-16 columns', async () => {
    // The prompt is in English (politeness reads English prompts only); one of its lines is not.
    const text = lines('# Bot', '', 'You answer in the language of the user.', '🚀👨‍👩‍👧 مرحباً — 回答要简洁, please.', '');
    const polite = (await analyzeFile({ path: 'prompts/bot.md', text })).diagnostics.find((d) => d.ruleId === 'politeness')!;
    const line = text.split('\n')[3]!;
    expect(polite.range.start).toEqual({ line: 3, character: line.indexOf('please') });
    expect(polite.range.end.character - polite.range.start.character).toBe('please'.length);
  });
});

describe('decorative separators in the forms CJK prompts draw them with', () => {
  for (const sep of ['＝＝＝＝＝＝＝＝＝＝', 'ーーーーーーーーーー', '――――――――――', '■■■■■■■■■■', '★★★★★★★★★★']) {
    it(`${sep.slice(0, 3)}… is a separator line, and its fix removes the line only`, async () => {
      const text = lines('# 翻訳アシスタント', '', 'あなたはプロの翻訳者です。', sep, '専門用語はそのまま英語で残してください。');
      const d = (await analyzeFile({ path: 'prompts/translate.md', text })).diagnostics.find((f) => f.ruleId === 'wasteful-formatting');
      expect(d?.message).toContain('Decorative separator');
      expect(d!.range.start.line).toBe(3);
      expect(applyEdits(text, d!.fixes[0]!.edits)).toBe(lines('# 翻訳アシスタント', '', 'あなたはプロの翻訳者です。', '専門用語はそのまま英語で残してください。'));
    });
  }

  it('a long vowel mark inside a word is not a separator', async () => {
    const text = lines('# サーバー', '', 'コーヒーーーーー、ください。');
    const r = await analyzeFile({ path: 'prompts/cafe.md', text });
    expect(r.diagnostics.filter((f) => f.message.includes('Decorative separator'))).toEqual([]);
  });
});

describe('an "Examples" heading in another language marks few-shot examples', () => {
  const fewShot = (heading: string, frame: string, a: string, b: string) =>
    lines('# Sentiment', '', 'Classify the review.', '', `## ${heading}`, '', a, frame, 'A: +', '', b, frame, 'A: -', '', '{{review}}');
  const cases: Array<[string, string, string, string]> = [
    ['示例', '请只回答一个词，不要解释原因。', '评论：这家店的服务太好了，下次还来。', '评论：等了一个小时，菜还是凉的。'],
    ['Beispiele', 'Antworte nur mit einem einzigen Wort ohne jede Erklärung.', 'Bewertung: Der Service war hervorragend.', 'Bewertung: Das Essen war kalt.'],
    ['Примеры', 'Ответь одним словом, без каких-либо объяснений и пояснений.', 'Отзыв: Отличный сервис, придём ещё.', 'Отзыв: Ждали час, еда была холодной.'],
  ];
  for (const [heading, frame, a, b] of cases) {
    it(`"## ${heading}": the frame both examples share is not a duplicate, and the examples' share is measured as under "## Examples"`, async () => {
      const local = await analyzeFile({ path: 'prompts/sentiment.md', text: fewShot(heading, frame, a, b) });
      const english = await analyzeFile({ path: 'prompts/sentiment.md', text: fewShot('Examples', frame, a, b) });
      expect(dups(local)).toEqual([]);
      expect(local.diagnostics.map((d) => d.ruleId)).toEqual(english.diagnostics.map((d) => d.ruleId));
      expect(local.diagnostics.some((d) => d.ruleId === 'few-shot-share')).toBe(true);
    });
  }

  it('a heading that merely contains 例 inside another word is not an examples heading', async () => {
    const text = lines('# 比例', '', '请只回答一个词，不要解释原因。', '', '## 比例计算', '', '请只回答一个词，不要解释原因。');
    expect(dups(await analyzeFile({ path: 'prompts/ratio.md', text }))).toHaveLength(1);
  });
});
