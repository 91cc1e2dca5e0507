/** The dashboard's routing-verdict control (webview/src/detail/routeFeedback.ts), its pure logic. */
import { describe, expect, it } from 'vitest';
import { routedTierOf, submitVerdict, verdictOptions } from '../../webview/src/detail/routeFeedback';

describe('route feedback control', () => {
  it('reads the routed tier from the route header; rule-to-model routes have none', () => {
    expect(routedTierOf('medium; p=0.64/0.08; by=model; rule=auto')).toBe('medium');
    expect(routedTierOf('small; score=0.12; rule=auto')).toBe('small');
    expect(routedTierOf('model=gpt-4o-mini; score=0.40; rule=beta')).toBeUndefined();
    expect(routedTierOf(undefined)).toBeUndefined();
  });

  it('offers only the verdicts that move the tier', () => {
    expect(verdictOptions('small').map((o) => [o.verdict, o.target])).toEqual([['bigger', 'medium']]);
    expect(verdictOptions('medium').map((o) => [o.verdict, o.target])).toEqual([
      ['bigger', 'large'],
      ['smaller', 'small'],
    ]);
    expect(verdictOptions('large').map((o) => o.verdict)).toEqual(['smaller']);
    expect(verdictOptions('medium')[0]!.label).toBe('Needed a bigger model (large)');
  });

  it('sends the verdict and reports the saved tier, or the error', async () => {
    const sent: string[] = [];
    const ok = await submitVerdict(async (v) => {
      sent.push(v);
      return { tier: 'large', exemplars: 3 };
    }, 'bigger');
    expect(sent).toEqual(['bigger']);
    expect(ok).toEqual({ ok: true, status: 'Saved: prompts like this one now lean to large (3 team exemplars).' });
    const bad = await submitVerdict(async () => {
      throw new Error('the prompt of this call is no longer in memory');
    }, 'smaller');
    expect(bad).toEqual({ ok: false, status: 'Could not save: the prompt of this call is no longer in memory' });
  });
});
