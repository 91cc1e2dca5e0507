/**
 * Entry of the separate `dist/extension/deferred.cjs` bundle: everything heavy that the extension
 * needs only once a feature is used — the analysis engine and policy exporter (TypeScript's parser,
 * tokenizer ranks, price data, zod) and the dashboard panel. Kept out of extension.cjs so that
 * loading the extension at activation stays cheap; see ./load.ts.
 */
export { analyzeFile } from '@proxy/analysis/index';
export { readInstructionFiles } from '@proxy/analysis/workspace/instructions';
export { parsePolicy } from '@proxy/policy/load';
export { readPolicyText } from '@proxy/policy/store';
export { locatedWarnings } from '@proxy/policy/warnings';
export { planExport, DEFAULT_EXPORT_DIR, EXPORT_TARGETS } from '@proxy/export/index';
export { DashboardPanel } from '../dashboard/panel';
export { DashboardSidebarProvider } from '../dashboard/sidebar';
