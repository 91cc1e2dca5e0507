/** Human-readable lint output: `path:line:col  severity  rule  message`, then a summary. */
import { relative } from 'node:path';
import type { FileResult, SkippedPath } from '../workspace/collect';

/** `skipped`: what could not be analysed (each note already on stderr); the summary counts the files the notes stand for. */
export function formatText(results: FileResult[], cwd: string, notes: readonly SkippedPath[] = []): string {
  const skipped = notes.reduce((n, s) => n + (s.files ?? 1), 0);
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
  const files = `${results.length} file${results.length === 1 ? '' : 's'}${skipped > 0 ? ` (${skipped} skipped, not analysed)` : ''}`;
  lines.push(
    total === 0
      ? `No findings in ${files}.`
      : `${total} finding${total === 1 ? '' : 's'} (${counts.error} error, ${counts.warning} warning, ${counts.info} info, ${counts.hint} hint) in ${files}.`,
  );
  return lines.join('\n') + '\n';
}
