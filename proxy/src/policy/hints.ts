/**
 * Readable schema problems for a policy written by hand, copied from a blog post or written by an
 * LLM: the near key or value the user meant ("budget" → "budgets", "warn_at" → "warnAt", "daily" →
 * "day"), and the number behind a value written with units or quotes ("$5", "10k", "1h", "80%").
 * Hints only explain: the schema stays strict, so what `policy validate` accepts is exactly what the
 * proxy runs. Pure: no I/O.
 */
import type { z } from 'zod';
import { nearest } from './nearest';
import { policyJsonSchema } from './schema';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  maximum?: number;
  exclusiveMaximum?: number;
};

let rootSchema: JsonSchema | undefined;

/** The JSON Schema node for a policy path (numbers are list indexes), if the schema describes it. */
function schemaAt(path: ReadonlyArray<PropertyKey>): JsonSchema | undefined {
  rootSchema ??= policyJsonSchema() as JsonSchema;
  let node: JsonSchema | undefined = rootSchema;
  for (const key of path) {
    if (!node) return undefined;
    if (typeof key === 'number') node = node.items;
    else {
      const extra: JsonSchema | boolean | undefined = node.additionalProperties;
      node = node.properties?.[String(key)] ?? (typeof extra === 'object' ? extra : undefined);
    }
  }
  return node;
}

/** The keys a mapping at `path` may have (empty when any key is allowed or the path is unknown). */
export function allowedKeys(path: ReadonlyArray<PropertyKey>): string[] {
  return Object.keys(schemaAt(path)?.properties ?? {});
}

/** The value at `path` in the parsed YAML. */
export function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = data;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A mapping key written as ~, null or "". */
const NO_NAME = 'an entry without a name (YAML reads ~, null and "" as no value)';

/** Fields of a budget or rate limit's `scope`: written beside `period` far more often than inside `scope`. */
const SCOPE_FIELDS = new Set(['team', 'user', 'feature', 'key']);

/** The message for one key a mapping does not allow; `anchored`: its value carries an anchor (&name). */
export function unknownKeyMessage(key: string, path: ReadonlyArray<PropertyKey>, opts: { anchored?: boolean } = {}): string {
  const keys = allowedKeys(path);
  // `scope: {~: x}`: YAML's "no value" as a key reads as "" ("Unrecognized key: \"\"" named nothing).
  if (key === '') return `${NO_NAME}: write one of ${keys.join(', ')}`;
  const base = `Unrecognized key: "${key}"`;
  if (SCOPE_FIELDS.has(key) && keys.includes('scope')) return `${base}; did you mean scope: { ${key}: … }?`;
  // A rule's conditions written beside its tier (`- { name: r, feature: x, tier: small }`), and the
  // rule's own fields written inside its conditions: the nearest-name guess found neither.
  if (keys.includes('match') && allowedKeys([...path, 'match']).includes(key)) return `${base}; did you mean match: { ${key}: … }?`;
  if (path[path.length - 1] === 'match' && allowedKeys(path.slice(0, -1)).includes(key)) return `${base}; "${key}" belongs to the rule, beside match: { … }, not inside it`;
  if (path[path.length - 1] === 'thresholds' && key === 'small') return `${base}; the small tier has no threshold (a score below thresholds.medium is small): set medium and large`;
  // A section's own field written at the top level (`tiers:` with no `routing:` above it, as in
  // flat configs): name the one section that holds it; a bare "Unrecognized key" left it a puzzle.
  if (path.length === 0 && !keys.includes(key)) {
    const holders = keys.filter((section) => allowedKeys([section]).includes(key));
    if (holders.length === 1) return `${base}; did you mean ${holders[0]}: { ${key}: … }?`;
  }
  const near = nearest(key, keys);
  // `apiKey: sk-…` is a secret pasted into a file that is usually committed.
  if (near === 'apiKeyEnv')
    return `${base}; keys never go in the policy: put the key in an environment variable and name that variable in "apiKeyEnv" (e.g. apiKeyEnv: OPENAI_API_KEY)`;
  // `timeout: 30` renamed to timeoutMs would be 30 ms: say the unit.
  const unit = /Ms$/.test(near ?? '') && !/ms$/i.test(key) ? ' (in milliseconds)' : /Seconds$/.test(near ?? '') && !/s$/i.test(key) ? ' (in seconds)' : '';
  if (near) return `${base}; did you mean "${near}"${unit}?`;
  // Compose's `x-` keys, and any other top-level key kept only to hold an anchor for later aliases.
  if (path.length === 0 && (/^x-/i.test(key) || opts.anchored))
    return `${base}; a policy has no ${/^x-/i.test(key) ? 'x- extension keys' : 'section for shared definitions'}: put the anchor (&name) on the first entry that uses it`;
  return base;
}

/** "yes", "on", "no"… are text in YAML 1.2 (the version yaml and Tollgate read). */
const TRUTHY = new Set(['yes', 'y', 'on', 'true', 'enable', 'enabled']);
const FALSY = new Set(['no', 'n', 'off', 'false', 'disable', 'disabled']);

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, sec: 1, secs: 1, m: 60, min: 60, mins: 60, h: 3600, hr: 3600, hrs: 3600, d: 86_400, day: 86_400, days: 86_400, w: 604_800 };
const MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9 };

/**
 * The number a text written by hand stands for, in the unit of the field (`key`): "$5", "5 USD",
 * "1,000", "1_000", "10k", "80%" (when the field is a fraction), "1h" (a *Seconds/*Ms/*Days field).
 */
function numberFromText(text: string, key: string, fraction: boolean): number | undefined {
  let t = text.trim().toLowerCase().replace(/^\$\s*/, '').replace(/\s*(usd|dollars?|\$|tokens?)$/, '').replace(/[,_]/g, '');
  const unit = /(seconds|ms|days)$/i.exec(key)?.[1]?.toLowerCase();
  const duration = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(t);
  if (unit && duration && DURATION_UNITS[duration[2]!] !== undefined) {
    const seconds = Number(duration[1]) * DURATION_UNITS[duration[2]!]!;
    return unit === 'ms' ? seconds * 1000 : unit === 'days' ? seconds / 86_400 : seconds;
  }
  if (fraction && /%$/.test(t)) {
    const pct = Number(t.slice(0, -1).trim());
    return Number.isFinite(pct) ? pct / 100 : undefined;
  }
  const mult = /^(\d+(?:\.\d+)?)\s*([kmb])$/.exec(t);
  if (mult) return Number(mult[1]) * MULTIPLIERS[mult[2]!]!;
  t = t.replace(/\s+/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

const PERIOD_UNIT_DAYS: Record<string, number> = {
  h: 1 / 24, hr: 1 / 24, hrs: 1 / 24, hour: 1 / 24, hours: 1 / 24,
  d: 1, day: 1, days: 1,
  w: 7, wk: 7, wks: 7, week: 7, weeks: 7,
  // `1M` is Bifrost's month and `1mo` LiteLLM's (Tollgate's exports write them); `m` is a minute there.
  M: 30, mo: 30, mon: 30, month: 30, months: 30,
  y: 365, yr: 365, year: 365, years: 365,
};
const PERIOD_WORD_DAYS: Record<string, number> = { fortnight: 14, fortnightly: 14, biweekly: 14, semimonthly: 15, quarter: 91, quarterly: 91, year: 365, yearly: 365, annual: 365, annually: 365 };

/** The length in days of a period written as a count and unit ("7 days", "30d", "1mo", ISO "P1M"), or a word for a length that is no Tollgate period. */
function periodDays(value: string): number | undefined {
  const t = value.trim();
  const word = t.toLowerCase();
  if (Object.hasOwn(PERIOD_WORD_DAYS, word)) return PERIOD_WORD_DAYS[word];
  const iso = /^P(\d+)([DWMY])$/i.exec(t);
  if (iso) return Number(iso[1]) * { D: 1, W: 7, M: 30, Y: 365 }[iso[2]!.toUpperCase() as 'D' | 'W' | 'M' | 'Y'];
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]+)$/.exec(t);
  if (!m) return undefined;
  const unit = m[2]! === 'M' ? 'M' : m[2]!.toLowerCase();
  return Object.hasOwn(PERIOD_UNIT_DAYS, unit) ? Number(m[1]) * PERIOD_UNIT_DAYS[unit]! : undefined;
}

/** A value shown in a message: short, on one line. */
function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/**
 * A provider key rather than a variable's name: a known key prefix, or a long token of lower-case
 * letters and digits (variable names here are upper case).
 */
function looksLikeKey(v: string): boolean {
  return /^(sk-|sk_|gsk_|xai-|pplx-|AIza|hf_|r8_|nvapi-|csk-)/.test(v) || (v.length >= 20 && /[a-z]/.test(v) && /\d/.test(v) && !/\s/.test(v));
}

/** A clearer message for a schema issue, given the value found at its path; undefined keeps zod's. */
export function issueHint(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  const key = String(issue.path[issue.path.length - 1] ?? '');
  // The key pasted where its variable's name goes: say so without repeating it.
  if (issue.code === 'invalid_format' && key === 'apiKeyEnv' && typeof value === 'string' && looksLikeKey(value))
    return 'this looks like an API key itself, in a file that is usually committed: remove it and rotate the key, then put the key in an environment variable and name that variable here (e.g. apiKeyEnv: OPENAI_API_KEY)';
  if (issue.code === 'invalid_type') {
    const expected = issue.expected;
    // `usd: .inf` is how "no cap" gets written; zod said ".inf" was no number at all.
    if (expected === 'number' && typeof value === 'number') {
      if (Number.isNaN(value)) return 'expected a number, got .nan (YAML\'s "not a number")';
      const sign = value < 0 ? '-' : '';
      const cap = ['budgets', 'rateLimits'].includes(String(issue.path[0])) && ['usd', 'tokens', 'rpm', 'tpm'].includes(key) ? `: to set no cap, leave ${key} out` : '';
      return `expected a finite number, got ${sign}infinity (YAML reads ${sign}.inf so, and digits too large for a number)${cap}`;
    }
    if (value === null && (expected === 'array' || expected === 'object' || expected === 'record'))
      return `"${key}" is empty (all its entries commented out?): write ${expected === 'array' ? '[]' : '{}'} or remove the line`;
    if (expected === 'number' && typeof value === 'string') {
      const s = schemaAt(issue.path);
      const fraction = s?.maximum === 1 || s?.exclusiveMaximum === 1;
      const n = numberFromText(value, key, fraction);
      return n !== undefined && Number.isFinite(n)
        ? `expected a number, got the text ${shown(value)}: write ${n} (no quotes, units, $ or separators)`
        : `expected a number, got the text ${shown(value)}`;
    }
    if (expected === 'boolean' && typeof value === 'string') {
      const v = value.trim().toLowerCase();
      const meant = TRUTHY.has(v) ? 'true' : FALSY.has(v) ? 'false' : undefined;
      // "true" in quotes is text because of the quotes, not because of YAML 1.2's booleans.
      if (meant === v) return `expected true or false, got the text ${shown(value)} (in quotes): write ${meant} without quotes`;
      return meant ? `expected true or false, got the text ${shown(value)} (YAML 1.2 reads yes/no/on/off as text): write ${meant}` : undefined;
    }
    if (expected === 'array' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const named = schemaAt([...issue.path, 0])?.properties?.name !== undefined;
      const first = Object.keys(value)[0];
      // `name: team-cap` among the keys: one entry without its "- ", not entries keyed by name.
      const own = (value as { name?: unknown }).name;
      if (named && (typeof own === 'string' || typeof own === 'number')) return `expected a list, got a mapping: write the entry as "- name: ${own}", its other fields under it`;
      return named && first !== undefined
        ? `expected a list, got a mapping: write each entry as "- name: ${first}" followed by its fields`
        : 'expected a list ("- " entries), got a mapping';
    }
    if (expected === 'array' && (typeof value === 'string' || typeof value === 'number')) return `expected a list, got one value: write [${value}]`;
    // `x-beta: true`, `x-version: 2`, a model `4.1`: YAML reads them as a boolean or a number.
    if (expected === 'string' && (typeof value === 'boolean' || typeof value === 'number')) return `expected text, got the ${typeof value} ${String(value)} (YAML reads it so): write "${String(value)}" in quotes`;
    // `feature: [search, chat]`: a rule field takes one glob.
    if (expected === 'string' && Array.isArray(value))
      return issue.path.includes('match') ? 'expected one value (a glob with * and ?), got a list: write a rule per value, or one glob that matches them all' : 'expected one value, got a list';
    // `scope: team-a`, `routing: auto`, `- daily` under budgets, a file that is one word: zod said
    // only "expected object, received string".
    if ((expected === 'record' || expected === 'object') && value !== null && typeof value !== 'object') {
      const got = `got the ${typeof value === 'string' ? 'text' : typeof value} ${shown(value)}`;
      if (key === 'scope') return `expected a mapping, ${got}: name what it is, as in scope: { team: ${String(value)} } (or user, feature, key)`;
      if (issue.path.length === 0) return `a policy is a mapping of sections (providers:, budgets:, routing: …), ${got}`;
      const fields = allowedKeys(issue.path);
      return `expected a mapping (name: value${fields.length ? `, such as ${fields.slice(0, 3).join(', ')}` : ''}), ${got}`;
    }
    if ((expected === 'record' || expected === 'object') && Array.isArray(value))
      return value.length === 0 ? 'expected a mapping (name: value), got an empty list: write {}' : 'expected a mapping (name: value), got a list';
    return undefined;
  }
  // A provider named `~`, `null` or "" (YAML's "no value", made an empty key) or with a space in
  // its name: zod said only "Invalid key in record", without the rule its key check gave.
  if (issue.code === 'invalid_key') {
    const rule = issue.issues[0]?.message;
    const why = rule ? `: ${rule}` : '';
    return key === '' ? `${NO_NAME}: give it a name${why}` : `${shown(key)} is not a name Tollgate takes${why}`;
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map((v) => String(v));
    if (issue.path.length === 1 && key === 'version' && typeof value === 'number' && value > 1)
      return `this Tollgate reads policy version ${values.join(', ')}; version ${value} is from a newer Tollgate (upgrade it)`;
    if (value !== undefined && values.includes(String(value)) && typeof value !== typeof issue.values[0])
      return `${issue.message}: write ${String(value)} without quotes`;
    if (typeof value === 'string') {
      // A budget period written as a length ("7 days", "30d", "1mo", "P1M"): by its length, never by
      // the word in it ("7 days" is a week, not a day).
      const days = values.includes('day') && values.includes('month') ? periodDays(value) : undefined;
      // Under a day: the generic message below points at rateLimits.
      if (days !== undefined && days >= 1) {
        const period = days === 1 ? 'day' : days === 7 ? 'week' : days >= 28 && days <= 31 ? 'month' : undefined;
        return period
          ? `${issue.message}: write ${period} for ${shown(value)} (budgets reset at the start of each UTC ${period === 'month' ? 'calendar month' : period})`
          : `${issue.message}: budgets reset per UTC day, week or month, and ${shown(value)} is none of them; pick one and scale usd or tokens to it`;
      }
      // "daily", "per-day", "Monthly": a period written as an adjective.
      const stem = value.toLowerCase().replace(/^(per|every|each|1)[\s_-]*/, '').replace(/ly$/, '');
      const near = nearest(value, values) ?? nearest(stem, values);
      if (near) return `${issue.message}; did you mean "${near}"?`;
      if (values.includes('month') && values.includes('day'))
        return `${issue.message} (budgets reset per UTC day, week or month; per-minute limits are rateLimits with rpm/tpm)`;
      if (values.includes('openai') && values.includes('anthropic'))
        return `${issue.message} (any OpenAI-compatible server — Groq, Ollama, vLLM, OpenRouter, Azure v1 — is "openai")`;
    }
    return undefined;
  }
  if (issue.code === 'invalid_union' && typeof value === 'string') {
    // retryOn: a status code or a word; zod says only "Invalid input".
    const words = issue.errors.flat().flatMap((e) => (e.code === 'invalid_value' ? e.values.map(String) : []));
    const n = numberFromText(value, key, false);
    if (n !== undefined && Number.isInteger(n)) return `expected a number${words.length ? ` or one of ${words.map((w) => `"${w}"`).join('|')}` : ''}, got the text ${shown(value)}: write ${n} without quotes`;
    const near = nearest(value, words);
    if (words.length) return `expected a number or one of ${words.map((w) => `"${w}"`).join('|')}${near ? `; did you mean "${near}"?` : ''}`;
    return undefined;
  }
  if (issue.code === 'too_big' && typeof value === 'number' && Number(issue.maximum) === 1 && value > 1 && value <= 100)
    return `${issue.message} (a fraction: write ${value / 100} for ${value}%)`;
  return undefined;
}
