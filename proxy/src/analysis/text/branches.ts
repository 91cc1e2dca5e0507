/**
 * Alternative branches of template conditionals — Jinja/Nunjucks/Liquid `{% if %}…{% elif %}…{% else %}…{% endif %}`
 * and Handlebars `{{#if}}…{{else}}…{{/if}}` (also `unless`). Only one branch is rendered into a
 * request, so the same line in two branches is not a repeat the model ever reads.
 */
const TAG =
  /\{%-?\s*(if|unless|elif|elsif|else|endif|endunless)\b[^%]*?-?%\}|\{\{~?\s*(#if|#unless|else|\/if|\/unless)\b[^}]*\}\}/g;

interface BranchSpan {
  block: number;
  branch: number;
  start: number;
  end: number;
}

/** Whether two offsets of `text` lie in different branches of one conditional (never both rendered). */
export type ExclusiveTest = (a: number, b: number) => boolean;

export function alternativeBranches(text: string): ExclusiveTest {
  if (!text.includes('{%') && !text.includes('{{')) return () => false;
  const spans: BranchSpan[] = [];
  const stack: Array<{ block: number; branch: number; start: number }> = [];
  let blocks = 0;
  for (const m of text.matchAll(TAG)) {
    const tag = (m[1] ?? m[2] ?? '').replace(/^#/, '');
    const at = m.index;
    const after = at + m[0].length;
    if (tag === 'if' || tag === 'unless') stack.push({ block: blocks++, branch: 0, start: after });
    else if (tag === 'elif' || tag === 'elsif' || tag === 'else') {
      const top = stack[stack.length - 1];
      if (!top) continue;
      spans.push({ block: top.block, branch: top.branch, start: top.start, end: at });
      top.branch++;
      top.start = after;
    } else {
      const top = stack.pop();
      if (top) spans.push({ block: top.block, branch: top.branch, start: top.start, end: at });
    }
  }
  for (const open of stack) spans.push({ block: open.block, branch: open.branch, start: open.start, end: text.length });
  if (!spans.some((s) => s.branch > 0)) return () => false;
  const where = (offset: number) => new Map(spans.filter((s) => offset >= s.start && offset < s.end).map((s) => [s.block, s.branch]));
  return (a, b) => {
    const wa = where(a);
    if (wa.size === 0) return false;
    for (const [block, branch] of where(b)) if (wa.has(block) && wa.get(block) !== branch) return true;
    return false;
  };
}
