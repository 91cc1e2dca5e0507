/**
 * Policies as people write them — by hand from the docs, copied from a blog post or a Compose file,
 * or written by an LLM: each near miss is refused at the line to change, with the key or value the
 * writer meant; YAML merge keys work; a tier list under a provider that does not exist, or a key
 * pasted where a fingerprint goes, is refused instead of silently doing nothing.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicyProblem } from '../../../proxy/src/policy/load';

const budget = (fields: string) => `budgets:\n  - name: monthly\n    period: month\n${fields}`;

function problems(text: string): PolicyProblem[] {
  const r = parsePolicy(text, 'p.yaml');
  if (r.ok) throw new Error('expected the policy to be refused');
  return r.problems;
}

describe('near misses name what was meant, at their own line', () => {
  // [what people write, policy, line, path, what the message must say]
  const cases: Array<[string, string, number, string, RegExp]> = [
    ['singular section', 'budget:\n  - name: m\n    period: month\n    usd: 5\n', 1, '', /"budget".*did you mean "budgets"/],
    ['snake_case section', 'rate_limits:\n  - name: r\n    rpm: 60\n', 1, '', /did you mean "rateLimits"/],
    ['snake_case field', budget('    usd: 5\n    warn_at: 0.9\n'), 5, 'budgets.0', /did you mean "warnAt"/],
    ['limitUSD', budget('    limitUSD: 100\n'), 4, 'budgets.0', /"limitUSD".*did you mean "usd"/],
    ['max_usd', budget('    max_usd: 100\n'), 4, 'budgets.0', /did you mean "usd"/],
    ['limit', budget('    limit: 100\n'), 4, 'budgets.0', /did you mean "usd"/],
    ['scope field beside period', budget('    team: search\n    usd: 5\n'), 4, 'budgets.0', /did you mean scope: \{ team: … \}/],
    ['a key pasted into the file', 'providers:\n  openai:\n    apiKey: sk-123\n', 3, 'providers.openai', /environment variable.*apiKeyEnv/],
    ['timeout in seconds', 'providers:\n  openai:\n    timeout: 30\n', 3, 'providers.openai', /did you mean "timeoutMs" \(in milliseconds\)/],
    ['period as an adverb', 'budgets:\n  - name: d\n    period: daily\n    usd: 5\n', 3, 'budgets.0.period', /did you mean "day"/],
    ['period capitalised', 'budgets:\n  - name: d\n    period: Monthly\n    usd: 5\n', 3, 'budgets.0.period', /did you mean "month"/],
    ['period per-week', 'budgets:\n  - name: d\n    period: per-week\n    usd: 5\n', 3, 'budgets.0.period', /did you mean "week"/],
    ['period in hours', 'budgets:\n  - name: d\n    period: 1h\n    usd: 5\n', 3, 'budgets.0.period', /rateLimits/],
    ['action capitalised', budget('    usd: 5\n    action: Block\n'), 5, 'budgets.0.action', /did you mean "block"/],
    ['dollars as text', budget('    usd: "$5"\n'), 4, 'budgets.0.usd', /write 5 \(/],
    ['dollars with a unit', budget('    usd: 5 USD\n'), 4, 'budgets.0.usd', /write 5 \(/],
    ['thousands separator', budget('    usd: 1,000\n'), 4, 'budgets.0.usd', /write 1000 \(/],
    ['YAML 1.1 digit groups', budget('    tokens: 1_000_000\n'), 4, 'budgets.0.tokens', /write 1000000 \(/],
    ['tokens with a suffix', budget('    tokens: 10k\n'), 4, 'budgets.0.tokens', /write 10000 \(/],
    ['percent as a whole number', budget('    usd: 5\n    warnAt: 80\n'), 5, 'budgets.0.warnAt', /write 0\.8 for 80%/],
    ['percent as text', budget('    usd: 5\n    warnAt: "75%"\n'), 5, 'budgets.0.warnAt', /write 0\.75 \(/],
    ['duration for seconds', 'cache:\n  ttlSeconds: 2h\n', 2, 'cache.ttlSeconds', /write 7200 \(/],
    ['duration for milliseconds', 'providers:\n  openai:\n    timeoutMs: 30s\n', 3, 'providers.openai.timeoutMs', /write 30000 \(/],
    ['YAML 1.1 boolean', 'cache:\n  enabled: no\n', 2, 'cache.enabled', /write false/],
    ['on for true', 'cache:\n  semantic:\n    enabled: on\n', 3, 'cache.semantic.enabled', /write true/],
    ['every entry commented out', 'budgets:\n#  - name: m\n', 1, 'budgets', /empty.*write \[\]/],
    ['budgets as a mapping', 'budgets:\n  team-monthly:\n    period: month\n    usd: 5\n', 2, 'budgets', /"- name: team-monthly"/],
    ['one fallback as text', 'fallbacks:\n  - from: gpt-4o\n    to: gpt-4o-mini\n', 3, 'fallbacks.0.to', /write \[gpt-4o-mini\]/],
    ['tiers as an empty list', 'routing:\n  tiers: []\n', 2, 'routing.tiers', /write \{\}/],
    ['version from the future', 'version: 2\n', 1, 'version', /newer Tollgate/],
    ['version quoted', 'version: "1"\n', 1, 'version', /without quotes/],
    ['provider kind by vendor', 'providers:\n  groq:\n    kind: groq\n', 3, 'providers.groq.kind', /OpenAI-compatible.*"openai"/],
    ['status code quoted', 'retries:\n  retryOn: ["429", connect]\n', 2, 'retries.retryOn.0', /write 429 without quotes/],
    ['retry word capitalised', 'retries:\n  retryOn: [Timeout]\n', 2, 'retries.retryOn.0', /did you mean "timeout"/],
    ['similarity as a percentage', 'cache:\n  semantic:\n    threshold: 90\n', 3, 'cache.semantic.threshold', /write 0\.9 for 90%/],
    ['rule provider typo', 'routing:\n  rules:\n    - name: r\n      match: { provider: antropic }\n      tier: small\n', 4, 'routing.rules.0.match.provider', /never applies; did you mean "anthropic"/],
    ['tier typo', 'routing:\n  rules:\n    - name: r\n      tier: Large\n', 4, 'routing.rules.0.tier', /did you mean "large"/],
    ['match field beside the tier', 'routing:\n  rules:\n    - name: r\n      feature: summarize\n      tier: small\n', 4, 'routing.rules.0', /did you mean match: \{ feature: … \}/],
    ['header beside the tier, in a flow mapping', 'routing:\n  rules:\n    - { name: r, header: { x-team: a }, tier: small }\n', 3, 'routing.rules.0', /did you mean match: \{ header: … \}/],
    ['tier inside match', 'routing:\n  rules:\n    - name: r\n      match: { feature: x, tier: small }\n', 4, 'routing.rules.0.match', /"tier" belongs to the rule, beside match/],
    // A section's own field written at the top level: the section that holds it.
    ['tiers without routing', 'tiers:\n  openai: { small: gpt-4o-mini }\n', 1, '', /"tiers".*did you mean routing: \{ tiers: … \}/],
    ['rules without routing', 'rules:\n  - { name: r, match: { feature: x }, tier: small }\n', 1, '', /did you mean routing: \{ rules: … \}/],
    ['semantic without cache', 'semantic:\n  enabled: true\n', 1, '', /did you mean cache: \{ semantic: … \}/],
    ['port without server', 'port: 4141\n', 1, '', /did you mean server: \{ port: … \}/],
    // The words other gateways and people use for a section.
    ['router setting without routing', 'router: learned\n', 1, '', /did you mean routing: \{ router: … \}/],
    ['route for routing', 'route:\n  rules: []\n', 1, '', /did you mean "routing"/],
    ['retry for retries', 'retry:\n  attempts: 3\n', 1, '', /did you mean "retries"/],
    ['caching for cache', 'caching:\n  ttlSeconds: 60\n', 1, '', /did you mean "cache"/],
    ['a small threshold', 'routing:\n  thresholds: { small: 0.1, medium: 0.3 }\n', 2, 'routing.thresholds', /below thresholds\.medium is small/],
  ];
  it.each(cases)('%s', (_name, text, line, path, message) => {
    const found = problems(text).find((p) => p.path === path && message.test(p.message));
    expect(found, JSON.stringify(problems(text))).toMatchObject({ line });
  });

  it('two unknown keys in one entry are two problems, each at its own line', () => {
    const list = problems(budget('    usd: 5\n    warn_at: 0.9\n    acton: allow\n'));
    expect(list.map((p) => [p.line, p.message])).toEqual([
      [5, 'Unrecognized key: "warn_at"; did you mean "warnAt"?'],
      [6, 'Unrecognized key: "acton"; did you mean "action"?'],
    ]);
  });

  it('a key with nothing near it keeps the plain message', () => {
    expect(problems('cache:\n  zzqx: 1\n').map((p) => p.message)).toEqual(['Unrecognized key: "zzqx"']);
  });
});

describe('YAML as it is copied from other files', () => {
  it('merge keys (<<: *anchor) share fields between entries', () => {
    const r = parsePolicy('budgets:\n  - &base\n    name: search\n    period: month\n    usd: 5\n    action: downgrade\n  - <<: *base\n    name: ads\n    usd: 10\n', 'p.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.budgets).toEqual([
      expect.objectContaining({ name: 'search', period: 'month', usd: 5, action: 'downgrade' }),
      expect.objectContaining({ name: 'ads', period: 'month', usd: 10, action: 'downgrade' }),
    ]);
  });

  it('a second YAML document is refused at its "---" with what to do, not the YAML library API', () => {
    const list = problems('budgets:\n  - { name: a, period: month, usd: 5 }\n---\nrateLimits:\n  - { name: r, rpm: 60 }\n');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ line: 3 });
    expect(list[0]!.message).toMatch(/one document/);
    expect(list[0]!.message).not.toMatch(/parseAllDocuments/);
  });

  it('CRLF line ends and a byte-order mark keep lines right', () => {
    const list = problems('\uFEFFbudgets:\r\n  - name: a\r\n    period: month\r\n    usd: 5\r\n    warn_at: 0.5\r\n');
    expect(list[0]).toMatchObject({ line: 5, column: 5, path: 'budgets.0' });
  });

  // YAML 1.2 (§5.4) counts a lone CR as a line break, as old Mac editors and some Windows tools
  // save; the yaml library reads only LF and CRLF, so such a file was one long line of errors.
  it.each([
    ['CR only (old Mac)', '\r'],
    ['mixed CRLF, LF and CR', ['\r\n', '\n', '\r']],
  ])('%s line ends parse, and problems are at their own line', (_name, breaks) => {
    const lines = ['providers:', '  openai: { baseUrl: https://api.openai.com/v1 }', 'routing:', '  tiers:', '    openai: { small: gpt-4o-mini, large: gpt-4.1 }', 'budgets:', '  - name: a', '    period: dya', '    usd: 5', ''];
    const nl = (i: number) => (Array.isArray(breaks) ? breaks[i % breaks.length]! : breaks);
    const text = lines.map((l, i) => (i < lines.length - 1 ? l + nl(i) : l)).join('');
    const list = problems(text);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ line: 8, column: 13, path: 'budgets.0.period' });
    const good = parsePolicy(text.replace('dya', 'day'), 'p.yaml');
    if (!good.ok) throw new Error(JSON.stringify(good.problems));
    expect(good.policy.routing.tiers.openai).toEqual({ small: 'gpt-4o-mini', large: 'gpt-4.1' });
    expect(good.policy.budgets[0]).toMatchObject({ name: 'a', period: 'day', usd: 5 });
  });

  it('a lone CR inside a quoted value is a line break, folded as YAML folds one', () => {
    const r = parsePolicy('routing:\r  rules:\r    - name: a\r      match:\r        header:\r          x-team: "a\r           b"\r      tier: small\r');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.policy.routing.rules[0]?.match.header).toEqual({ 'x-team': 'a b' });
  });
});

describe('settings that would silently do nothing are refused', () => {
  it('tiers under a name that is no provider (they are looked up by exact name)', () => {
    const list = problems('routing:\n  tiers:\n    opneai: { small: gpt-4o-mini }\n    OpenAI: { small: gpt-4o-mini }\n');
    expect(list.map((p) => [p.path, p.line])).toEqual([
      ['routing.tiers.opneai', 3],
      ['routing.tiers.OpenAI', 4],
    ]);
    expect(list[0]!.message).toMatch(/never used; did you mean "openai"/);
    // Declared providers are fine.
    expect(parsePolicy('providers:\n  ollama: { baseUrl: "http://127.0.0.1:11434/v1" }\nrouting:\n  tiers:\n    ollama: { small: llama3 }\n').ok).toBe(true);
  });

  it('a scope key or tag fingerprint that is no fingerprint (a pasted API key), without echoing it', () => {
    const list = problems('budgets:\n  - name: ci\n    scope: { key: sk-proj-abc123 }\n    period: month\n    usd: 5\ntags:\n  keys:\n    - { fingerprint: sk-ant-xyz, team: a }\n');
    expect(list.map((p) => [p.path, p.line])).toEqual([
      ['budgets.0.scope.key', 3],
      ['tags.keys.0.fingerprint', 8],
    ]);
    expect(list[0]!.message).toMatch(/not a key fingerprint/);
    expect(JSON.stringify(list)).not.toMatch(/sk-proj|sk-ant/);
    // tags.keys compares fingerprints exactly: a glob there never applies.
    expect(problems('tags:\n  keys:\n    - { fingerprint: "tg_*", team: a }\n')).toEqual([expect.objectContaining({ path: 'tags.keys.0.fingerprint', line: 3 })]);
    // Fingerprints, and globs in a scope, are fine.
    expect(parsePolicy('budgets:\n  - { name: a, scope: { key: tg_0123456789abcdef }, period: day, usd: 1 }\n  - { name: b, scope: { key: "tg_*" }, period: day, usd: 1 }\n').ok).toBe(true);
  });
});

describe('routing settings that could never take effect are refused at their line', () => {
  it.each([
    ['minInputTokens above maxInputTokens (the rule matched nothing)', 'routing:\n  rules:\n    - { name: a, match: { minInputTokens: 8000, maxInputTokens: 100 }, tier: large }\n', 'routing.rules.0.match.minInputTokens', 3, /never applies/],
    ['a medium threshold above the large one (medium was never chosen)', 'routing:\n  router: score\n  thresholds: { medium: 0.8, large: 0.2 }\n', 'routing.thresholds.medium', 3, /never/],
  ])('%s', (_name, text, path, line, message) => {
    const list = problems(text);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ path, line });
    expect(list[0]!.message).toMatch(message);
  });

  it('equal bounds and equal thresholds stay valid', () => {
    expect(parsePolicy('routing:\n  thresholds: { medium: 0.5, large: 0.5 }\n  rules:\n    - { name: a, match: { minInputTokens: 100, maxInputTokens: 100 }, tier: small }\n').ok).toBe(true);
  });
});
