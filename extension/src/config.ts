/** The extension's settings (`tollgate.*`), read in one place with their defaults. */
import * as vscode from 'vscode';
import type { Severity } from '@proxy/analysis/types';
import { DEFAULT_TEMPLATE_GLOBS } from './analysis/promptPatterns';

export interface TollgateConfig {
  port: number;
  autoStart: boolean;
  nodePath: string;
  comparisonModels: string[];
  defaultModel: string;
  promptGlobs: string[];
  codeLensEnabled: boolean;
  diagnosticsEnabled: boolean;
  debounceMs: number;
  severities: Record<string, Severity | 'off'>;
}

export function readConfig(): TollgateConfig {
  const c = vscode.workspace.getConfiguration('tollgate');
  return {
    port: c.get<number>('proxy.port', 4141),
    autoStart: c.get<boolean>('autoStart', true),
    nodePath: c.get<string>('nodePath', ''),
    comparisonModels: c.get<string[]>('comparisonModels', []),
    defaultModel: c.get<string>('defaultModel', 'gpt-4o-mini'),
    promptGlobs: c.get<string[]>('promptGlobs', DEFAULT_TEMPLATE_GLOBS),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    debounceMs: c.get<number>('diagnostics.debounceMs', 300),
    severities: c.get<Record<string, Severity | 'off'>>('rules.severity', {}),
  };
}
