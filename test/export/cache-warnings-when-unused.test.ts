/**
 * Warnings about cache settings that do nothing in Tollgate are false findings: excludeFeatures only
 * narrows the semantic cache (pipeline/semanticCacheStage.ts), so with semantic caching off — or the
 * whole cache off (no cache key, pipeline/exactCacheStage.ts) — Tollgate and the gateway behave the
 * same; a cache version bump means nothing with no cache. Each export warned about them anyway (Portkey
 * even with the cache disabled). They must warn only when the setting is in effect.
 */
import { describe, expect, it } from 'vitest';
import { EXPORT_TARGETS, exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function fields(text: string, target: (typeof EXPORT_TARGETS)[number]): string[] {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return exportPolicy(r.policy, target, { file: 'policy.yaml', text }).warnings.map((w) => w.field);
}

const exactOnly = 'cache: { enabled: true, semantic: { enabled: false, excludeFeatures: ["codegen*"] } }\n';
const off = 'cache: { enabled: false, version: 3, semantic: { enabled: true, excludeFeatures: ["codegen*"] } }\n';
const semantic = 'cache: { enabled: true, version: 3, semantic: { enabled: true, threshold: 0.9, excludeFeatures: ["codegen*"] } }\n';

describe.each(EXPORT_TARGETS)('%s: cache warnings only for settings in effect', (target) => {
  it('exact cache only: no excludeFeatures warning', () => expect(fields(exactOnly, target)).not.toContain('cache.semantic.excludeFeatures'));
  it('cache off: no excludeFeatures or version warning', () => {
    expect(fields(off, target)).not.toContain('cache.semantic.excludeFeatures');
    expect(fields(off, target)).not.toContain('cache.version');
  });
  it('semantic cache on: excludeFeatures is warned (the gateway cannot skip it by feature)', () => expect(fields(semantic, target)).toContain('cache.semantic.excludeFeatures'));
});
