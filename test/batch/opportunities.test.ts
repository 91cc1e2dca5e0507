/** Latency-tolerance signals from tags: a user or team tag that names a machine (CI, bot, cron). Pure. */
import { describe, expect, it } from 'vitest';
import { opportunitiesFromRows } from '../../proxy/src/batch/opportunities';

const day = new Date(2026, 10, 30, 14, 0, 0).getTime();
const row = (feature: string, tags: { user?: string; team?: string }) => ({ feature, provider: 'openai', model_used: 'gpt-4o-mini', ts: day, stream: 1, cost_usd: 0.01, team: tags.team ?? null, user: tags.user ?? null });

describe('opportunities: called by automation', () => {
  it('names the tag when at least half the calls come from a CI/bot/cron identity', () => {
    const o = opportunitiesFromRows([row('summaries', { user: 'github-actions' }), row('summaries', { user: 'ana' }), row('answers', { team: 'support-bot' }), row('chat', { user: 'ana' }), row('chat', { user: 'ana' }), row('chat', { user: 'cibele' })], 0);
    expect(o.features.find((f) => f.feature === 'summaries')!.reasons).toEqual(['called by automation (user=github-actions)']);
    expect(o.features.find((f) => f.feature === 'answers')!.reasons).toEqual(['called by automation (team=support-bot)']);
    // A person whose name starts with "ci" is not a CI job.
    expect(o.features.find((f) => f.feature === 'chat')!.latencyTolerant).toBe(false);
  });
});

describe('opportunities: the batch price by upstream', () => {
  it('uses what each provider is, not its name: Azure under any name is half price, a custom server is not', () => {
    const rows = [
      { ...row('eval', {}), provider: 'azure-prod' },
      { ...row('eval', {}), provider: 'openai-eu' },
    ];
    const upstream = (name: string) => (name === 'azure-prod' ? 'azure' : undefined);
    const o = opportunitiesFromRows(rows, 0, upstream);
    // $0.01 at half price plus $0.01 at full price.
    expect(o.features[0]!.batchUsd).toBeCloseTo(0.015, 12);
  });
});
