/**
 * Suppression comments, in any comment syntax (`//`, `#`, `<!-- -->`):
 *   tollgate-disable-next-line [rule, …]   the next line
 *   tollgate-disable-line [rule, …]        this line
 *   tollgate-disable-file [rule, …]        the whole file
 * With no rule ids, every rule is suppressed.
 */
import type { Finding, QuickFix } from './types';

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

/** The comment syntax a suppression takes at `line` of this file (YAML front matter uses `#`). */
function commentFor(path: string, text: string, line: number): [string, string] {
  const p = path.toLowerCase();
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(p)) return ['// ', ''];
  if (/\.(py|ya?ml)$/.test(p)) return ['# ', ''];
  // Markdown-like files: `#` inside the front matter, an HTML comment in the body.
  const lines = text.split('\n');
  if (lines[0]?.trim() === '---') {
    const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
    if (close > 0 && line < close) return ['# ', ''];
  }
  return ['<!-- ', ' -->'];
}

/**
 * The "disable for this line" quick fix: a `tollgate-disable-next-line <rule>` comment above the
 * finding's first line, indented like it, in the file's comment syntax.
 */
export function disableNextLineFix(path: string, text: string, finding: Pick<Finding, 'ruleId' | 'range'>): QuickFix {
  const line = finding.range.start.line;
  const lineText = text.split('\n')[line] ?? '';
  const indent = /^[ \t]*/.exec(lineText)![0];
  const [open, close] = commentFor(path, text, line);
  return {
    title: `Disable ${finding.ruleId} for this line`,
    edits: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${open}tollgate-disable-next-line ${finding.ruleId}${close}\n` }],
  };
}
