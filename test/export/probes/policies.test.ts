/**
 * Ten more team policies (./policies, written before re-reading the exporters: cross-provider
 * fallbacks, overlapping wildcards, per-team and per-key budgets, virtual keys, rules without a
 * provider, tiers on two providers, Azure beside OpenAI, downgrade budgets, Groq/Mistral, cache and
 * limits): each parses, exports to every gateway without a schema, stability, secret or reference
 * problem (the checks of ../generated-policies.test.ts), and each one's Tollgate-vs-gateway
 * differences named by `policy validate` are warned by the exports too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';
import { policyWarnings } from '../../../proxy/src/policy/warnings';
import { exportProblems } from '../generatedPolicySupport';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'policies');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('probe team policies export cleanly to every gateway', () => {
  it('there are ten of them', () => expect(files.length).toBe(10));
  it.each(files)('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const parsed = parsePolicy(text, file);
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    if (!parsed.ok) return;
    expect(exportProblems(text)).toEqual([]);
    // A rule validate says routes elsewhere in Tollgate is warned by each gateway that exports it.
    for (const w of policyWarnings(parsed.policy).filter((x) => /^routing\.rules\.\d+$/.test(x.path))) {
      const i = Number(w.path.split('.')[2]);
      const exported = ['portkey', 'bifrost'].filter((t) => !exportPolicy(parsed.policy, t as 'portkey' | 'bifrost', { file, text }).warnings.some((x) => x.field.startsWith(`routing.rules[${i}]`) && x.message.includes('not exported')));
      for (const t of exported) expect(exportPolicy(parsed.policy, t as 'portkey' | 'bifrost', { file, text }).warnings.map((x) => x.field), `${file} ${t}`).toContain(`routing.rules[${i}].model`);
    }
  });
});
