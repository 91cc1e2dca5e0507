/**
 * Suppression comments, in any comment syntax (`//`, `#`, `<!-- -->`):
 *   tollgate-disable-next-line [rule, …]   the next line
 *   tollgate-disable-line [rule, …]        this line
 *   tollgate-disable-file [rule, …]        the whole file
 * With no rule ids, every rule is suppressed.
 */
import { visit } from 'yaml';
import { parseYaml } from './prompt/yaml-nodes';
import type { Finding, QuickFix } from './types';

const DIRECTIVE = /tollgate-disable-(next-line|line|file)\b([^\n]*)/g;

interface Directive {
  line: number;
  scope: 'next-line' | 'line' | 'file';
  /** undefined: all rules. */
  rules?: Set<string>;
}

function parseRules(rest: string): Set<string> | undefined {
  // The ids end where the comment does (`-->`, `*/`, a template comment's `#}`, `--}}`, `{% endcomment %}`):
  // the text after a comment at the start of a line is not a list of rules.
  const ids = rest
    .split(/-->|\*\/|#\}|--\}\}|\}\}|\{%|%\}|"""|'''/)[0]!
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

/**
 * Template comments, which the engine drops, so a directive in one is never sent to the model.
 * `ownLine`: Mustache and Handlebars remove a comment that stands alone on its line, line break and
 * all; a Jinja comment on its own line would leave its line break in the prompt.
 */
const TEMPLATE_COMMENTS: Array<{ ext: RegExp; open: string; close: string; ownLine: boolean }> = [
  // Prompty bodies are Jinja templates.
  { ext: /\.(j2|jinja2?|njk|prompty)$/, open: '{# ', close: ' #}', ownLine: false },
  // Dotprompt `.prompt` files are Handlebars; `{{!-- --}}` is a Mustache comment too.
  { ext: /\.(hbs|handlebars|mustache|prompt)$/, open: '{{!-- ', close: ' --}}', ownLine: true },
  { ext: /\.liquid$/, open: '{% comment %} ', close: ' {% endcomment %}', ownLine: false },
  // MDX 2+ rejects `<!-- -->`; its comment is a JS comment in an expression, compiled away with its line.
  { ext: /\.mdx$/, open: '{/* ', close: ' */}', ownLine: true },
];

/**
 * Whether a Jinja/Liquid comment at `offset` (a line start) renders exactly as before: not when the
 * whitespace around it is stripped by a neighbouring tag (`-%}` before, `{%-` after — the comment
 * would stop the stripping) or when the line opens with a block tag (`lstrip_blocks` strips its indentation).
 */
function neutralAt(text: string, offset: number): boolean {
  const before = text.slice(0, offset).trimEnd();
  const after = text.slice(offset).trimStart();
  const line = text.slice(offset, text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset)).trimStart();
  return !/-[%}#]\}$/.test(before) && !/^\{[%{#]-/.test(after) && !line.startsWith('{%');
}

/** Whether the line starting at `offset` of this YAML text is inside a multi-line scalar (a `|` block, a folded quoted string). */
function insideYamlScalar(yaml: string, offset: number): boolean {
  let inside = false;
  visit(parseYaml(yaml), {
    Scalar(_, node) {
      const r = node.range;
      if (r && offset > r[0] && offset < r[1]) inside = true;
      return inside ? visit.BREAK : undefined;
    },
  });
  return inside;
}

type Placement = { open: string; close: string; at: 'next-line' | 'line-start' | 'file' | 'none' };

/**
 * A plain-text prompt (`.txt`) is read and sent as it is: every character of it, a `<!-- -->` or `#`
 * line included, is prompt text. Only a `.txt` that is visibly a template has a comment its engine
 * drops — Jinja when it has `{% %}` tags, Mustache/Handlebars when it has `{{#…}}`/`{{^…}}`/`{{/…}}`
 * sections or `{{! }}` comments (a bare `{{name}}` is also plain string substitution, so it proves nothing).
 */
function plainTextSyntax(text: string): (typeof TEMPLATE_COMMENTS)[number] | undefined {
  if (/\{%-?\s*\w/.test(text)) return TEMPLATE_COMMENTS[0];
  if (/\{\{~?[#^/!]/.test(text)) return TEMPLATE_COMMENTS[1];
  return undefined;
}

/**
 * Where and how a suppression goes for `line` of this file, so that it is never prompt text. YAML
 * takes `#` — except inside a block scalar, where a `#` line is prompt text: there only a file-wide
 * directive at the top stays out of the prompt. A Markdown-like body takes an HTML comment; a
 * template body its engine's comment: Mustache/Handlebars on its own line, Jinja at the start of the
 * finding's line (`disable-line`, so no line break is added), or file-wide where that would change
 * the whitespace a tag strips.
 */
function placementFor(path: string, text: string, line: number): Placement {
  const p = path.toLowerCase();
  if (/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|go|java)$/.test(p)) return { open: '// ', close: '', at: 'next-line' };
  if (p.endsWith('.py')) return { open: '# ', close: '', at: 'next-line' };
  const lines = text.split('\n');
  const lineStart = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
  if (/\.ya?ml$/.test(p)) return { open: '# ', close: '', at: insideYamlScalar(text, lineStart) ? 'file' : 'next-line' };
  // Markdown-like files: `#` inside the front matter, a comment in the body.
  const close = lines[0]?.trim() === '---' ? lines.findIndex((l, i) => i > 0 && l.trim() === '---') : -1;
  if (close > 0 && line < close) {
    const yamlStart = lines[0]!.length + 1;
    const yaml = lines.slice(1, close).join('\n');
    return { open: '# ', close: '', at: line > 0 && insideYamlScalar(yaml, lineStart - yamlStart) ? 'file' : 'next-line' };
  }
  const template = p.endsWith('.txt') ? plainTextSyntax(text) : TEMPLATE_COMMENTS.find((t) => t.ext.test(p));
  if (!template && p.endsWith('.txt')) return { open: '', close: '', at: 'none' };
  if (!template) return { open: '<!-- ', close: ' -->', at: 'next-line' };
  if (template.ownLine) return { open: template.open, close: template.close, at: 'next-line' };
  if (neutralAt(text, lineStart)) return { open: template.open, close: template.close, at: 'line-start' };
  // A file-wide directive: in the front matter as YAML, else a comment at the very start.
  return close > 0 ? { open: '# ', close: '', at: 'file' } : { open: template.open, close: template.close, at: 'file' };
}

/**
 * The "disable for this line" quick fix: a `tollgate-disable-next-line <rule>` comment above the
 * finding's first line, indented like it, in the file's comment syntax — or, where a comment there
 * would be prompt text or change it, the `disable-line` or file-wide directive that is not (see placementFor).
 */
export function disableNextLineFix(path: string, text: string, finding: Pick<Finding, 'ruleId' | 'range'>): QuickFix {
  const line = finding.range.start.line;
  const lineText = text.split('\n')[line] ?? '';
  const indent = /^[ \t]*/.exec(lineText)![0];
  const { open, close, at } = placementFor(path, text, line);
  const here = { start: { line, character: 0 }, end: { line, character: 0 } };
  // No edit: any comment would reach the model. The action says so and changes nothing; the rule can
  // still be turned off in settings. (`canDisableInFile` lets a caller leave the action out.)
  if (at === 'none') return { title: `Disable ${finding.ruleId} here: not possible in a plain-text prompt (a comment would be sent to the model)`, edits: [] };
  if (at === 'line-start')
    return { title: `Disable ${finding.ruleId} for this line`, edits: [{ range: here, newText: `${open}tollgate-disable-line ${finding.ruleId}${close}` }] };
  if (at === 'file') {
    // A `#` directive goes after a front matter's opening `---` (or on the first line); a template comment
    // goes inline at the very start, where it adds no line break.
    const top = { line: open === '# ' && /^---[ \t]*\r?$/.test(text.split('\n')[0] ?? '') ? 1 : 0, character: 0 };
    const eol = open === '# ' ? '\n' : '';
    return { title: `Disable ${finding.ruleId} in this file`, edits: [{ range: { start: top, end: top }, newText: `${open}tollgate-disable-file ${finding.ruleId}${close}${eol}` }] };
  }
  return {
    title: `Disable ${finding.ruleId} for this line`,
    edits: [{ range: here, newText: `${indent}${open}tollgate-disable-next-line ${finding.ruleId}${close}\n` }],
  };
}

/** Whether a suppression comment can go in this file without becoming prompt text (see disableNextLineFix). */
export function canDisableInFile(path: string, text: string): boolean {
  return !path.toLowerCase().endsWith('.txt') || plainTextSyntax(text) !== undefined;
}
