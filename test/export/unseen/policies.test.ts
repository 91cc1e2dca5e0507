/**
 * The hand-written team policies in ./policies (see README.md): each parses, and each export is
 * valid for its gateway (transcribed LiteLLM/Bifrost definitions, Portkey's config shape), stable,
 * free of key values, internally consistent and warns with a policy field (the same checks as the
 * generated-policy property in ../generated-policies.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../proxy/src/policy/load';
import { exportProblems } from '../generatedPolicySupport';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'policies');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe('unseen team policies export cleanly to every gateway', () => {
  it('there are at least 25 of them', () => expect(files.length).toBeGreaterThanOrEqual(25));
  it.each(files)('%s', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const parsed = parsePolicy(text, file);
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    expect(exportProblems(text)).toEqual([]);
  });
});
