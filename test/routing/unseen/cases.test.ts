/** The unseen-traffic set stays usable: enough cases, every tier and protocol, an ask in each, a held-out third. */
import { describe, expect, it } from 'vitest';
import { chatTexts } from '../../../proxy/src/pipeline/governanceStages';
import type { Json } from '../../../proxy/src/providers/types';
import { askText } from '../../../proxy/src/routing/features';
import { holdout, unseenCases } from './cases';

describe('unseen routing set', () => {
  it('has ≥ 250 labelled requests on all three protocols, each with an ask the router can read', () => {
    expect(unseenCases.length).toBeGreaterThanOrEqual(250);
    expect(new Set(unseenCases.map((c) => c.id)).size).toBe(unseenCases.length);
    for (const shape of ['openai', 'anthropic', 'responses'] as const) expect(unseenCases.filter((c) => c.shape === shape).length).toBeGreaterThan(60);
    for (const tier of ['small', 'medium', 'large'] as const) expect(unseenCases.filter((c) => c.tier === tier).length).toBeGreaterThan(50);
    for (const c of unseenCases) expect(askText(chatTexts(c.body as Json)).trim(), c.id).not.toBe('');
  });

  it('holds out about a third', () => {
    const share = unseenCases.filter((c) => holdout(c.id)).length / unseenCases.length;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.4);
  });
});
