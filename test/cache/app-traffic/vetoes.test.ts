/**
 * The hard vetoes for app-shaped prompts, on the shipped judge (real weights): a fixed
 * instruction over a different input, and short inline code that differs in one operator, are
 * never served whatever the score; a re-worded instruction over the same input still is judged.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../proxy/src/db/open';
import { vetoReason } from '../../../proxy/src/cache/semantic/guard';
import { SemanticMatcher } from '../../../proxy/src/cache/semantic/matcher';
import { SemanticStore } from '../../../proxy/src/cache/semantic/store';
import { shippedJudgeFor } from '../../../proxy/src/cache/semantic/judge/shipped';
import { splitInstruction } from '../../../proxy/src/cache/semantic/templateInput';
import { USE_LITE_MODEL_ID } from '../../../proxy/src/embedding/backends/use-lite';

const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;

describe('instruction + different input', () => {
  // Pairs an app sends with one template and two inputs; the cosines are what USE-lite gives such pairs (≥ 0.9).
  const different: Array<[string, string]> = [
    ['Translate into French: Where is the train station?', 'Translate into French: Where is the bus station?'],
    ['Translate this into French: Where is the bus station?', 'Translate into French: Where is the train station?'],
    ['Classify the sentiment of this review as positive or negative: The battery life is excellent and the screen is bright.', 'Classify the sentiment of this review as positive or negative: The battery life is terrible and the screen is dim.'],
    ['Summarise in one sentence: Quarterly revenue rose 12 percent to 4.2 billion dollars.', 'Summarise in one sentence: Quarterly revenue fell 8 percent to 3.1 billion dollars.'],
    ['Use the context to answer.\n\nContext: Returns within 30 days.\n\nQuestion: What is the refund window?', 'Use the context to answer.\n\nContext: Furniture returns within 60 days.\n\nQuestion: What is the refund window?'],
    ['Extract the total from:\nInvoice 4411, total due $36.00', 'Extract the total from:\nInvoice 4412, total due $60.00'],
    ['Is this review positive? Great location, terrible breakfast.', 'Is this review positive? Great breakfast, terrible location.'],
    ['Is this review positive? The food was great.', 'Is this review positive? The food was cold.'],
    ['The library closes in June.\n\nSummarise the above in one sentence.', 'The library reopens in September.\n\nSummarise the above in one sentence.'],
  ];
  it.each(different)('vetoes %j vs %j', (a, b) => {
    const v = judge.judge(0.95, a, b);
    // Two input words that only change places are caught one rule earlier (guard.ts swappedWords).
    expect(v.veto).toMatch(/^the instruction's input differs|^words swapped/);
    expect(v.probability).toBe(0);
  });

  it('the threshold + guard path (judge: false) refuses the same input in another word order', () => {
    const store = new SemanticStore(openDatabase(':memory:'));
    store.migrate();
    const v = Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0));
    store.insert({ entryId: 1, namespace: 'ns', modelId: 'm', vector: v, text: 'Is this review positive? Great location, terrible breakfast.', expiresAt: Date.now() + 60_000 });
    const matcher = new SemanticMatcher(store);
    const miss = matcher.lookup({ namespace: 'ns', modelId: 'm', vector: v, text: 'Is this review positive? Great breakfast, terrible location.', threshold: 0.5 });
    expect(miss).toMatchObject({ miss: true, vetoed: expect.stringMatching(/another order|words swapped/) });
    expect(matcher.lookup({ namespace: 'ns', modelId: 'm', vector: v, text: 'is this review positive? great location, terrible breakfast', threshold: 0.5 })).toMatchObject({ entryId: 1 });
  });

  it('a re-worded instruction over the same input, or a paraphrased question, is still scored', () => {
    for (const [a, b] of [
      ['Extract the invoice total from: Invoice 4411, total due $36.00', 'Extract the invoice total from the following text: Invoice 4411, total due $36.00'],
      ['Translate into French: Where is the train station?', 'Translate this into French: Where is the train station?'],
      ['Question: How do I reset my password?', 'Question: How can I reset my password?'],
      ['How do I reset my password?', 'How can I reset my password?'],
    ] as const) {
      const v = judge.judge(0.95, a, b);
      expect(v.veto).toBeUndefined();
      expect(v.probability).toBeGreaterThan(0.5);
    }
  });

  it('splits at a colon or question mark followed by space, or at a line break, not inside a time or a URL', () => {
    expect(splitInstruction('Translate into French: Where is it?')).toEqual({ head: 'Translate into French', tail: 'Where is it?', atLineBreak: false });
    expect(splitInstruction('Summarise:\nThe council voted.')?.tail).toBe('The council voted.');
    expect(splitInstruction('Is this review positive? Great food.')).toEqual({ head: 'Is this review positive?', tail: 'Great food.', atLineBreak: false });
    expect(splitInstruction('Is the branch open at 10:30 on https://x.com/a?')).toBeUndefined();
    expect(splitInstruction('How do I reset my password?')).toBeUndefined();
  });
});

describe('short inline code', () => {
  const pairs: Array<[string, string]> = [
    ['Explain what this code does: for i in range(10): print(i)', 'Explain what this code does: for i in range(10): print(i * i)'],
    ['What does x = [a for a in items if a > 0] return?', 'What does x = [a for a in items if a < 0] return?'],
    ['Why is if (a = b) wrong here?', 'Why is if (a == b) wrong here?'],
  ];
  it.each(pairs)('one operator apart is vetoed by the judge and the guard: %j', (a, b) => {
    expect(judge.judge(0.97, a, b).veto).toMatch(/code differs|identifiers differ|input differs/);
    expect(vetoReason(a, b)).toMatch(/code differs|identifiers differ/);
  });

  it('the same code, or prose with a hyphen or parentheses on both sides, is not', () => {
    expect(vetoReason('Explain what this code does: print(i * i)', 'Explain what this code does:  print(i*i)')).toBeUndefined();
    expect(vetoReason('Can I get a follow-up call (today)?', 'Can I get a follow-up call (today) ?')).toBeUndefined();
    // "&" is "and" in prose, not code.
    expect(judge.judge(0.9, 'What do you think about the ban on 500 & 1000 rupee notes?', 'What do you think about the ban on 500 and 1000 rupee notes?').veto).toBeUndefined();
  });
});
