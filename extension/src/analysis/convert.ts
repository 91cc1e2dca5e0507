/** Analysis API shapes (plain ranges, severities) → VS Code objects. */
import * as vscode from 'vscode';
import type { Range, Severity } from '@proxy/analysis/types';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  const S = vscode.DiagnosticSeverity;
  return { error: S.Error, warning: S.Warning, info: S.Information, hint: S.Hint }[s];
}
