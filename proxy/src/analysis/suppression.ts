/**
 * Suppression comments, in any comment syntax (`//`, `#`, `<!-- -->`):
 *   tollgate-disable-next-line [rule, …]   the next line
 *   tollgate-disable-line [rule, …]        this line
 *   tollgate-disable-file [rule, …]        the whole file
 * With no rule ids, every rule is suppressed.
 */
import type { Finding } from './types';

const DIRECTIVE = /tollgate-disable-(next-line|line|file)\b([^\n]*)/g;

interface Directive {
  line: number;
  scope: 'next-line' | 'line' | 'file';
  /** undefined: all rules. */
  rules?: Set<string>;
}

function parseRules(rest: string): Set<string> | undefined {
  const ids = rest
    .replace(/-->|\*\/|"""|'''/g, ' ')
    .split(/[\s,]+/)
    .filter((w) => /^[a-z][a-z0-9-]*$/.test(w));
  return ids.length ? new Set(ids) : undefined;
}

export function findDirectives(text: string): Directive[] {
  const out: Directive[] = [];
  let line = 0;
  let lineStart = 0;
  for (const m of text.matchAll(DIRECTIVE)) {
    for (let i = lineStart; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
    lineStart = m.index;
    const rules = parseRules(m[2] ?? '');
    out.push({ line, scope: m[1] as Directive['scope'], ...(rules ? { rules } : {}) });
  }
  return out;
}

export function applySuppressions<T extends Pick<Finding, 'ruleId' | 'range'>>(findings: T[], text: string): T[] {
  if (!text.includes('tollgate-disable')) return findings;
  const directives = findDirectives(text);
  const covers = (d: Directive, f: T) => !d.rules || d.rules.has(f.ruleId);
  return findings.filter(
    (f) =>
      !directives.some(
        (d) =>
          covers(d, f) &&
          (d.scope === 'file' || (d.scope === 'line' && d.line === f.range.start.line) || (d.scope === 'next-line' && d.line + 1 === f.range.start.line)),
      ),
  );
}
