/** The dispatcher from a target name to its exporter. Pure. */
import type { Policy } from '../policy/schema';
import { exportBifrost } from './bifrost';
import { exportLiteLLM } from './litellm';
import { exportPortkey } from './portkey';
import type { Exporter, ExportResult, ExportSource, ExportTarget } from './types';

const EXPORTERS: Record<ExportTarget, Exporter> = {
  litellm: exportLiteLLM,
  portkey: exportPortkey,
  bifrost: exportBifrost,
};

export function exportPolicy(policy: Policy, target: ExportTarget, source: ExportSource): ExportResult {
  return EXPORTERS[target](policy, source);
}
