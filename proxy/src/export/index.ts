/**
 * Export the team policy to production gateways (LiteLLM, Portkey, Bifrost).
 * `exportPolicy` is pure (policy + source text in, files + warnings out); `planExport` reads the
 * policy and the files already on disk so callers can diff, check or write.
 */
export * from './types';
export { exportPolicy } from './exportPolicy';
export { planExport, readIfExists, unsafeOutput, ExportReadError, MAX_EXPORT_FILE_BYTES, DEFAULT_EXPORT_DIR, DEFAULT_POLICY_FILE, type PlannedFile, type PlanOptions, type ExportPlan } from './plan';
