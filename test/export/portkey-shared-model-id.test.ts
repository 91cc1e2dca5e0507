/**
 * Two providers listing the same model id (groq and together both serving `llama-3.3-70b-versatile`):
 * the proxy sends that model to the first of them (chooseProvider, first match in policy order), so
 * the second provider's Portkey condition excluded every name it has — `^(?!(?:X)$)(?:X)$`, a regex
 * no model matches. Such a condition is left out; a provider with a model of its own keeps one.
 * The routing of the exported conditions (first match wins, as in Portkey) is compared with the
 * proxy's own chooseProvider for each model.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { resolveProviders } from '../../proxy/src/policy/schema';
import { chooseProvider } from '../../proxy/src/providers';

type Query = Record<string, unknown>;
interface Config {
  strategy: { mode: string; conditions: Array<{ query: Query; then: string }>; default: string };
}

/** Portkey's condition operators the export writes, on a request's model and path. */
function holds(q: Query, req: Record<string, string>): boolean {
  return Object.entries(q).every(([k, v]) => {
    if (k === '$and') return (v as Query[]).every((x) => holds(x, req));
    if (k === '$or') return (v as Query[]).some((x) => holds(x, req));
    const ops = v as Record<string, string>;
    const value = req[k] ?? '';
    return Object.entries(ops).every(([op, arg]) => {
      if (op === '$regex') return new RegExp(arg).test(value);
      if (op === '$eq') return value === arg;
      if (op === '$ne') return value !== arg;
      throw new Error(`operator ${op} not modelled`);
    });
  });
}

function regexes(q: unknown): string[] {
  if (q === null || typeof q !== 'object') return [];
  return Object.entries(q as Query).flatMap(([k, v]) => (k === '$regex' ? [v as string] : regexes(v)));
}

const MODELS = ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'mixtral-8x7b-32768', 'gpt-4o'];

describe('Portkey: a model id two providers list', () => {
  it.each([
    ['the same single id', '["llama-3.3-70b-versatile"]', '["llama-3.3-70b-versatile"]'],
    ['a glob taking the later exact id', '["llama-*"]', '["llama-3.3-70b-versatile"]'],
    ['a later provider with one model of its own', '["llama-3.3-70b-versatile"]', '["llama-3.3-70b-versatile", "mixtral-8x7b-32768"]'],
  ])('%s: no condition matches nothing, and routing is the proxy\'s', (_name, groq, together) => {
    const text = `providers:\n  groq: { baseUrl: "https://api.groq.com/openai/v1", models: ${groq} }\n  together: { baseUrl: "https://api.together.xyz/v1", models: ${together} }\n`;
    const r = parsePolicy(text, 'policy.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const config = JSON.parse(exportPolicy(r.policy, 'portkey', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')?.content ?? '{}') as Config;
    const { conditions } = config.strategy;
    // Every model regex accepts some model the policy names (each glob's star read as one letter).
    const names = [...resolveProviders(r.policy).values()].flatMap((p) => p.models.map((g) => g.replaceAll('*', 'x').replaceAll('?', 'x')));
    const dead = conditions.flatMap((c) => regexes(c.query)).filter((re) => !names.some((n) => new RegExp(re).test(n)));
    expect(dead).toEqual([]);
    // First matching condition, as Portkey picks, against the proxy's first-match choice.
    const providers = resolveProviders(r.policy);
    for (const model of MODELS) {
      const req = { 'params.model': model, 'url.pathname': '/v1/chat/completions' };
      const target = conditions.find((c) => holds(c.query, req))?.then ?? config.strategy.default;
      const choice = chooseProvider(providers, 'openai', model, undefined);
      if ('error' in choice) throw new Error(choice.error);
      expect(target, model).toBe(`provider-${choice.provider.name}`);
    }
  });
});
