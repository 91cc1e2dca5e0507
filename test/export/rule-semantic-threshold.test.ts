/**
 * A rule's `semanticThreshold` sets the semantic cache's threshold for the requests it matches
 * (pipeline/semanticCacheStage.ts); a rule whose only setting is that threshold routes nothing
 * (policy/schema.ts ruleRoutes), and with the semantic cache off the threshold does nothing at all.
 * Every export warned of the threshold with the semantic cache off, and read a threshold-only rule
 * as a broken route ("has no model to route to", "nothing to route to", "keep the model they ask for"),
 * though Tollgate leaves those requests on their model too: false findings, for every target.
 */
import { describe, expect, it } from 'vitest';
import { EXPORT_TARGETS, exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function ruleWarnings(semantic: boolean, target: (typeof EXPORT_TARGETS)[number]): string[] {
  const text = `cache: { enabled: true, semantic: { enabled: ${semantic}, threshold: 0.9 } }\nrouting:\n  rules:\n    - { name: strict, match: { feature: "legal*" }, semanticThreshold: 0.97 }\n    - { name: cheap, match: { feature: "chat*" }, tier: small, semanticThreshold: 0.8 }\n`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return exportPolicy(r.policy, target, { file: 'policy.yaml', text })
    .warnings.filter((w) => w.field.startsWith('routing.rules'))
    .map((w) => w.field);
}

describe.each(EXPORT_TARGETS)('%s: rules that set a semantic threshold', (target) => {
  it('semantic cache off: no threshold is warned, and a threshold-only rule is no route to warn of', () => {
    const fields = ruleWarnings(false, target);
    expect(fields.filter((f) => f.endsWith('.semanticThreshold'))).toEqual([]);
    expect(fields.filter((f) => f.startsWith('routing.rules[0]'))).toEqual([]);
  });

  it('semantic cache on: each threshold is warned, and a threshold-only rule still is no route', () => {
    const fields = ruleWarnings(true, target);
    expect(fields.filter((f) => f.endsWith('.semanticThreshold')).sort()).toEqual(['routing.rules[0].semanticThreshold', 'routing.rules[1].semanticThreshold']);
    expect(fields.filter((f) => f === 'routing.rules[0]')).toEqual([]);
  });
});
