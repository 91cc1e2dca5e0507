/** Human-readable lint output: `path:line:col  severity  rule  message`, then a summary. */
import { relative } from 'node:path';
import type { FileResult } from '../workspace/collect';

export function formatText(results: FileResult[], cwd: string): string {
  const lines: string[] = [];
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of results) {
    const rel = relative(cwd, r.path) || r.path;
    for (const d of r.diagnostics) {
      counts[d.severity]++;
      lines.push(`${rel}:${d.range.start.line + 1}:${d.range.start.character + 1}  ${d.severity}  ${d.ruleId}  ${d.message}`);
    }
  }
  const total = counts.error + counts.warning + counts.info + counts.hint;
  lines.push(
    total === 0
      ? `No findings in ${results.length} file${results.length === 1 ? '' : 's'}.`
      : `${total} finding${total === 1 ? '' : 's'} (${counts.error} error, ${counts.warning} warning, ${counts.info} info, ${counts.hint} hint) in ${results.length} file${results.length === 1 ? '' : 's'}.`,
  );
  return lines.join('\n') + '\n';
}
