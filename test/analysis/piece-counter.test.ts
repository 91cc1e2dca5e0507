/** The analysis' cached per-piece counter gives exactly the tokenizer's counts. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PieceCounter } from '../../proxy/src/analysis/cost/piece-counter';
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
];

describe('PieceCounter', () => {
  for (const model of ['gpt-4o', 'gpt-4', 'claude-sonnet-4']) {
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
