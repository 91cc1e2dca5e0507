/** The label file's shape and the evaluation arithmetic. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateRouter, parseLabels } from '../../scripts/lib/router/evaluate';

const labelsPath = new URL('../data/router-labels.tsv', import.meta.url);

describe('router-labels.tsv', () => {
  const labels = parseLabels(readFileSync(labelsPath, 'utf8'));
  it('has at least 150 prompts, every tier represented, each with a reason', () => {
    expect(labels.length).toBeGreaterThanOrEqual(150);
    for (const t of ['small', 'medium', 'large'] as const) expect(labels.filter((l) => l.tier === t).length).toBeGreaterThanOrEqual(40);
    for (const l of labels) {
      expect(l.prompt.length).toBeGreaterThan(0);
      expect(l.reason.length).toBeGreaterThan(3);
    }
    expect(new Set(labels.map((l) => l.prompt)).size).toBe(labels.length);
  });

  it('the router beats the majority-class baseline on it', () => {
    const report = evaluateRouter(labels, { thresholds: { medium: 0.3, large: 0.7 }, countTokens: () => 0, price: () => 0, outputTokens: 0 });
    const majority = Math.max(...(['small', 'medium', 'large'] as const).map((t) => labels.filter((l) => l.tier === t).length)) / labels.length;
    expect(report.accuracy).toBeGreaterThan(majority + 0.3);
  });
});

describe('evaluateRouter', () => {
  it('fills the confusion matrix, shares and costs from the scores', () => {
    const labels = parseLabels(
      'prompt\ttier\treason\nWhat is the capital of Peru?\tsmall\tfact\nHello!\tlarge\tdeliberately mislabelled\nline one\\nline two\tsmall\tescape',
    );
    expect(labels[2]!.prompt).toBe('line one\nline two');
    const unit = { small: 1, medium: 10, large: 100 } as const;
    const r = evaluateRouter(labels, {
      thresholds: { medium: 0.3, large: 0.7 },
      countTokens: (t) => t.length,
      price: (tier, input, out) => unit[tier] * (input + out),
      outputTokens: 5,
    });
    expect(r.n).toBe(3);
    expect(r.confusion.small.small).toBe(2);
    expect(r.confusion.large.small).toBe(1);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.underRouted).toBeCloseTo(1 / 3, 12);
    expect(r.share.small).toBe(1);
    const tokens = labels.map((l) => l.prompt.length + 5);
    expect(r.routedUsd).toBe(tokens.reduce((s, t) => s + t, 0));
    expect(r.alwaysLargeUsd).toBe(100 * tokens.reduce((s, t) => s + t, 0));
    expect(r.oracleUsd).toBe(tokens[0]! + 100 * tokens[1]! + tokens[2]!);
    expect(r.misses).toHaveLength(1);
  });

  it('rejects an unknown tier', () => {
    expect(() => parseLabels('prompt\ttier\treason\nx\thuge\ty')).toThrow(/line 2/);
  });
});
