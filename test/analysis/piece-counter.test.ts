/** The analysis' cached per-piece counter gives exactly the tokenizer's counts. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { PieceCounter, pieceCounterFor } from '../../proxy/src/analysis/cost/piece-counter';
import { countTextTokens } from '../../proxy/src/tokens/count';
import { FIXTURES } from './support';

const SAMPLES = [
  '',
  ' ',
  'Hello, world!',
  "You're a helpful assistant; don't stop until you've listed ALL items.",
  'Line one.\n\n\n   \nLine two   with   gaps.   \n',
  '```json\n{\n    "a": 1,\n    "b": [1, 2, 3]\n}\n```\n',
  '12345678901234 3.14159 1,000,000',
  'Ünïcödé — “quotes” — 日本語のテキスト — emoji 🎉🎉 — العربية',
  '<|endoftext|> is text here, not a special token',
  '\t\tindented\r\n\r\nwindows line ends\r\n',
  '==========\n**********\n──────────\n',
  '${input:message} {{name}} {x} ${y}',
  'order 123456789, total 4,500.75 on 2026-12-04; ٣٤٥٦ 0042',
];

describe('PieceCounter', () => {
  for (const model of ['gpt-4o', 'gpt-4', 'claude-sonnet-4', 'gemini-2.5-flash']) {
    it(`matches countTextTokens at ${model}, also when counts are reused`, () => {
      const counter = new PieceCounter(model);
      for (const round of [1, 2])
        for (const s of SAMPLES) expect([round, s, counter.count(s)]).toEqual([round, s, countTextTokens(s, model).tokens]);
    });
  }

  it('matches countTextTokens on every analysis fixture and on slices cut at arbitrary offsets', () => {
    const counter = new PieceCounter('gpt-4o');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(FIXTURES);
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect([f, counter.count(text)]).toEqual([f, countTextTokens(text, 'gpt-4o').tokens]);
      for (let a = 0; a < text.length; a += 97) {
        const slice = text.slice(a, a + 301);
        expect([f, a, counter.count(slice)]).toEqual([f, a, countTextTokens(slice, 'gpt-4o').tokens]);
      }
    }
  });
});

describe('PieceCounter across analyses', () => {
  it('one counter per encoding serves every analysis, so a re-analysis after an edit encodes only the new pieces', async () => {
    const words = (i: number) => `Step ${i}: check the invoice zq${i}x and the ledger kv${i}w before you answer.`;
    const text = ['---', 'model: gpt-4o', '---', ...Array.from({ length: 400 }, (_, i) => words(i))].join('\n');
    const path = 'prompts/shared.prompt.md';
    await analyzeFile({ path, text, languageId: 'prompt' });
    const counter = pieceCounterFor('gpt-4o');
    expect(pieceCounterFor('gpt-4.1')).toBe(counter); // same encoding, same memo
    const encodings: string[] = [];
    const original = Object.getOwnPropertyDescriptor(PieceCounter.prototype, 'encodePiece');
    expect(original).toBeDefined();
    vi.spyOn(PieceCounter.prototype as unknown as { encodePiece(p: string): number }, 'encodePiece').mockImplementation(function (this: PieceCounter, p: string) {
      encodings.push(p);
      return (original!.value as (p: string) => number).call(this, p);
    });
    try {
      await analyzeFile({ path, text: `${text}\nOne more line mentioning qqfreshword.`, languageId: 'prompt' });
    } finally {
      vi.restoreAllMocks();
    }
    expect(encodings.length).toBeGreaterThan(0);
    expect(encodings.every((p) => /qqfreshword|One|more|mentioning|line/.test(p) || p.trim() === '' || p === '.')).toBe(true);
  });

  it('stays exact when its bounded memo is cleared', () => {
    const counter = new PieceCounter('gpt-4o', { pieces: 5, pieceChars: 40, wholeChars: 600 });
    const texts = [...SAMPLES, 'x'.repeat(300), `${'alpha beta gamma '.repeat(30)}`, 'y'.repeat(700), `${'alpha beta gamma '.repeat(30)}`];
    for (const round of [1, 2, 3]) for (const s of texts) expect([round, s, counter.count(s)]).toEqual([round, s, countTextTokens(s, 'gpt-4o').tokens]);
  });
});
