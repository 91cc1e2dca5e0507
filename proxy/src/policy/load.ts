/**
 * Parse and validate a policy file, reporting problems with file, line and reason.
 * Pure: takes text, returns a result; file reading lives in the caller.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { Policy } from './schema';
import { PolicySchema } from './schema';

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export type PolicyParseResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export function parsePolicy(text: string, file = 'policy.yaml'): PolicyParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0] ?? e.message };
      }),
    };
  }
  let data: unknown;
  try {
    // toJS resolves aliases; yaml refuses alias bombs ("Excessive alias count") by throwing.
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message: (err as Error).message }] };
  }
  const parsed = PolicySchema.safeParse(data);
  if (parsed.success) return { ok: true, policy: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      // Point at the deepest node that exists on the issue's path.
      let path = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
      let node: unknown = undefined;
      while (path.length > 0 && !(node = doc.getIn(path, true))) path = path.slice(0, -1);
      const offset = isNode(node) && node.range ? node.range[0] : 0;
      const pos = lineCounter.linePos(offset);
      return { file, line: pos.line, column: pos.col, path: issue.path.join('.'), message: issue.message };
    }),
  };
}
