/** The extension's settings (`tollgate.*`), read in one place with their defaults. */
import * as vscode from 'vscode';
import type { Severity } from '@proxy/analysis/types';
import { DEFAULT_MODEL } from '@contract/defaults';
import { DEFAULT_TEMPLATE_GLOBS } from './analysis/promptPatterns';

export interface TollgateConfig {
  /** The proxy port; the default while `portProblem` says the setting is unusable. */
  port: number;
  /** Why `tollgate.proxy.port` cannot be used, for the user (settings.json takes any JSON value). */
  portProblem?: string;
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

export const DEFAULT_PORT = 4141;

/**
 * A `tollgate.proxy.port` value as a port: a whole number 1–65535, also when written as a string
 * ("4141"). The settings UI enforces the schema, settings.json does not: 70000, 0 (the CLI would bind
 * a random port the extension never finds), "" or null would start the proxy into a restart loop.
 */
export function portFromSetting(value: unknown): { port: number } | { problem: string } {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) return { port: n };
  return { problem: `"tollgate.proxy.port" is ${JSON.stringify(value) ?? String(value)}, not a port: set it to a whole number from 1 to 65535 (default ${DEFAULT_PORT}).` };
}

/** settings.json takes any JSON value and a cleared field is "": those read as the default, not as model "" or a failed analysis; a pasted value's spaces are dropped. */
const text = (v: unknown, def: string): string => (typeof v === 'string' && v.trim() ? v.trim() : def);
const texts = (v: unknown, def: string[]): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v : def).map((s) => text(s, '')).filter(Boolean);

/**
 * `scope`: the document the settings are for. In a multi-root workspace each folder's
 * .vscode/settings.json holds its own values of the per-file settings (default model, rule
 * severities, CodeLens and diagnostics switches); without the document VS Code answers with the
 * workspace's values and a folder's are never seen.
 */
export function readConfig(scope?: vscode.Uri): TollgateConfig {
  const c = vscode.workspace.getConfiguration('tollgate', scope);
  const port = portFromSetting(c.get<unknown>('proxy.port', DEFAULT_PORT));
  return {
    ...('port' in port ? { port: port.port } : { port: DEFAULT_PORT, portProblem: port.problem }),
    autoStart: c.get<boolean>('autoStart', true),
    nodePath: text(c.get('nodePath'), ''),
    comparisonModels: texts(c.get('comparisonModels'), []),
    defaultModel: text(c.get('defaultModel'), DEFAULT_MODEL),
    promptGlobs: texts(c.get('promptGlobs'), DEFAULT_TEMPLATE_GLOBS),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    debounceMs: c.get<number>('diagnostics.debounceMs', 300),
    severities: c.get<Record<string, Severity | 'off'>>('rules.severity', {}),
  };
}
